//! motsu tests of the offers contract (ported in the next commit).
