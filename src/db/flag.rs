//! A yes/no column. Both backends store flags as 0/1 integers (and a comparison in PostgreSQL
//! yields a boolean), but sqlx's `Any` driver decodes a Rust `bool` only from a boolean: rows
//! read a flag as [`Flag`], and a row struct's `bool` field says
//! `#[sqlx(try_from = "crate::db::Flag")]`.

use sqlx::{Any, Decode, Type, any::AnyTypeInfo, error::BoxDynError};

/// A flag read from a 0/1 integer (any non-zero value is true) or a boolean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flag(pub bool);

impl From<Flag> for bool {
    fn from(flag: Flag) -> bool {
        flag.0
    }
}

impl Type<Any> for Flag {
    fn type_info() -> AnyTypeInfo {
        <i64 as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <i64 as Type<Any>>::compatible(ty) || <bool as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for Flag {
    fn decode(value: <Any as sqlx::Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        match <i64 as Decode<Any>>::decode(value.clone()) {
            Ok(n) => Ok(Flag(n != 0)),
            Err(_) => Ok(Flag(<bool as Decode<Any>>::decode(value)?)),
        }
    }
}
