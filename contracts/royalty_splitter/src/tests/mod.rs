//! Tests of the splitter.
