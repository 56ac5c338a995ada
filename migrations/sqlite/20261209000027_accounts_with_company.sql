-- The accounts whose GitHub profile names a company (few: only people the pages class are asked),
-- so that a page reads its scope's companies from them (`db::profiles::list_companies`) instead
-- of gathering every person of the scope first (51k at atlas's `large` scale: 100 ms).
CREATE INDEX accounts_with_company ON accounts (id) WHERE company IS NOT NULL;
