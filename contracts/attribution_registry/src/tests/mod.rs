//! Motsu tests of the registry with test doubles for the splitter, the license contract and an
//! ERC-20 token.
