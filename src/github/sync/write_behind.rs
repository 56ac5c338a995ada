//! Writing a listing's pages behind its reading: the step reads pages and queues what each one
//! brings ([`queue`]); meanwhile [`drain`] stores whatever is queued, up to [`MAX_BATCH`] pages in
//! one write transaction. While a batch is written the next pages are fetched, and the slower
//! the writes, the bigger the batches: a transaction's cost is mostly per transaction (its WAL
//! frames: each index page it touched, written whole), not per row.
//!
//! A killed or failed sync loses nothing it claimed: a step's watermark moves only after
//! [`drain`] has stored every queued page. When reading fails, the pages already read are still
//! stored before the error is returned; when writing fails, reading stops at the next page.

use tokio::sync::mpsc;

use super::collector::SyncError;
use super::pages::RawItems;
use crate::db::accounts::AccountRow;

/// A page as queued by most steps: its people, its rows, the indexes of the items that cannot be
/// stored (quarantined after the write), and its items as GitHub sent them.
pub type RowsPage<R> = (Vec<AccountRow>, Vec<R>, Vec<usize>, RawItems);

/// The people and the rows of a batch of [`RowsPage`]s, each in one list, in page order.
pub fn people_and_rows<R: Clone>(batch: &[RowsPage<R>]) -> (Vec<AccountRow>, Vec<R>) {
    let accounts = batch.iter().flat_map(|(accounts, ..)| accounts.iter().cloned()).collect();
    let rows = batch.iter().flat_map(|(_, rows, ..)| rows.iter().cloned()).collect();
    (accounts, rows)
}

/// Most pages stored in one transaction (and queued while one is written).
pub const MAX_BATCH: usize = 16;

/// The queue between a step's reading and [`drain`].
pub fn queue<P>() -> (mpsc::Sender<P>, mpsc::Receiver<P>) {
    mpsc::channel(MAX_BATCH)
}

/// Stores the queued pages with `store` (one call per batch, in the order they were read) until
/// the reading side drops its sender; returns the sum of what `store` returned.
pub async fn drain<P, F, Fut>(mut queued: mpsc::Receiver<P>, mut store: F) -> Result<u64, SyncError>
where
    F: FnMut(Vec<P>) -> Fut,
    Fut: Future<Output = Result<u64, SyncError>>,
{
    let mut written = 0;
    while let Some(first) = queued.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queued.try_recv() {
                Ok(page) => batch.push(page),
                Err(_) => break,
            }
        }
        written += store(batch).await?;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn pages_queued_while_a_batch_is_written_go_together_in_order() {
        let (send, queued) = queue::<u32>();
        let batches = std::sync::Mutex::new(Vec::new());
        let read = async move {
            for page in 1..=20u32 {
                send.send(page).await.expect("the writer is there");
                // Reading page 1 takes a while; the rest come at once.
                if page == 1 {
                    tokio::task::yield_now().await;
                }
            }
        };
        let write = drain(queued, |batch: Vec<u32>| {
            let n = batch.len() as u64;
            batches.lock().expect("batches").push(batch);
            async move {
                tokio::task::yield_now().await;
                Ok(n)
            }
        });
        let ((), written) = tokio::join!(read, write);
        assert_eq!(written.expect("stored"), 20);
        let batches = batches.into_inner().expect("batches");
        let flat: Vec<u32> = batches.iter().flatten().copied().collect();
        assert_eq!(flat, (1..=20).collect::<Vec<_>>(), "every page once, in order");
        assert!(batches.iter().all(|b| !b.is_empty() && b.len() <= MAX_BATCH), "{batches:?}");
        assert!(batches.len() < 20, "pages queued during a write share a transaction: {batches:?}");
    }

    #[tokio::test]
    async fn a_failed_write_stops_the_drain_and_is_returned() {
        let (send, queued) = queue::<u32>();
        let read = async move {
            let mut sent = 0;
            for page in 1..=50u32 {
                if send.send(page).await.is_err() {
                    break;
                }
                sent += 1;
            }
            sent
        };
        let write = drain(queued, |batch: Vec<u32>| async move {
            if batch.contains(&3) { Err(SyncError::Db(sqlx::Error::PoolClosed)) } else { Ok(batch.len() as u64) }
        });
        let (sent, written) = tokio::join!(read, write);
        assert!(matches!(written, Err(SyncError::Db(sqlx::Error::PoolClosed))));
        assert!(sent < 50, "reading stops once nobody writes: {sent}");
    }
}
