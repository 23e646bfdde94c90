//! The HTTP server: the API and the web page ([`crate::api::router`], `docs/explorer.md` §2
//! and §4) served until asked to stop. `tributary explorer serve` runs it next to the
//! indexer, on the same [`Store`].

use axum::Router;

use crate::store::Store;

/// The explorer's routes over `store`.
pub fn router(store: Store) -> Router {
    crate::api::router(store)
}

/// Serves [`router`] on `listener` until `stop` completes.
///
/// # Errors
/// The server failed.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Store,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(store))
        .with_graceful_shutdown(stop)
        .await
}
