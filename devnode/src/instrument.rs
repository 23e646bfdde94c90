//! What Nitro's two instrumentation passes share (the ink meter in [`crate::wasm`] and the
//! stack-depth checker in [`crate::depth`]): the module's function signatures, and the
//! mutable globals each pass appends after the module's own and exports.

use wasm_encoder::{ConstExpr, ExportKind, GlobalType, ValType as EncValType};
use wasmparser::FuncType;

use crate::error::{rule, ProgramError};

/// Function types of a module: its type section and, per function index (imports first), the
/// type index. Built by [`crate::wasm::analyze`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Signatures {
    pub(crate) types: Vec<FuncType>,
    pub(crate) funcs: Vec<u32>,
}

impl Signatures {
    /// Parameter count of type index `ty` (0 for an unknown index, which validation excludes).
    pub(crate) fn params(&self, ty: u32) -> u64 {
        self.types
            .get(ty as usize)
            .map_or(0, |t| t.params().len() as u64)
    }

    /// `(params, results)` of type index `ty`.
    pub(crate) fn arity(&self, ty: u32) -> Result<(u32, u32), ProgramError> {
        let ty = self
            .types
            .get(ty as usize)
            .ok_or_else(|| rule(format!("missing type {ty}")))?;
        // Both lengths are bounded by the validator far below u32::MAX.
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Ok((count(ty.params().len()), count(ty.results().len())))
    }

    /// `(params, results)` of function index `func`.
    pub(crate) fn func_arity(&self, func: u32) -> Result<(u32, u32), ProgramError> {
        let ty = self
            .funcs
            .get(func as usize)
            .ok_or_else(|| rule(format!("missing function {func}")))?;
        self.arity(*ty)
    }
}

/// Mutable globals an instrumentation pass appends after a module's own (as Nitro's
/// middlewares do), each exported under its name if it has one.
pub(crate) struct AddedGlobals {
    first: u32,
    globals: Vec<(EncValType, ConstExpr, Option<&'static str>)>,
    emitted: bool,
}

impl AddedGlobals {
    /// No globals yet; the first gets index `first` (the module's global count).
    pub(crate) fn new(first: u32) -> Self {
        Self {
            first,
            globals: Vec::new(),
            emitted: false,
        }
    }

    /// The index the next added global would get: the module's global count after this pass.
    pub(crate) fn end(&self) -> u32 {
        self.first + u32::try_from(self.globals.len()).unwrap_or(u32::MAX)
    }

    /// Adds a global and returns its index.
    pub(crate) fn add(
        &mut self,
        val_type: EncValType,
        init: ConstExpr,
        export: Option<&'static str>,
    ) -> u32 {
        let index = self.end();
        self.globals.push((val_type, init, export));
        index
    }

    /// Appends them to the module's global section.
    pub(crate) fn append(&mut self, section: &mut wasm_encoder::GlobalSection) {
        for (val_type, init, _) in &self.globals {
            let ty = GlobalType {
                val_type: *val_type,
                mutable: true,
                shared: false,
            };
            section.global(ty, init);
        }
        self.emitted = true;
    }

    /// For a module without a global section: emits one holding them, before the first section
    /// that must come after globals.
    pub(crate) fn intersperse(
        &mut self,
        module: &mut wasm_encoder::Module,
        before: Option<wasm_encoder::SectionId>,
    ) {
        use wasm_encoder::SectionId as S;
        let past_globals = matches!(
            before,
            None | Some(S::Export | S::Start | S::Element | S::DataCount | S::Code | S::Data)
        );
        if past_globals && !self.emitted {
            let mut section = wasm_encoder::GlobalSection::new();
            self.append(&mut section);
            module.section(&section);
        }
    }

    /// Exports the named ones.
    pub(crate) fn export(&self, exports: &mut wasm_encoder::ExportSection) {
        for (offset, (_, _, name)) in self.globals.iter().enumerate() {
            if let Some(name) = name {
                let index = self.first + u32::try_from(offset).unwrap_or(u32::MAX);
                exports.export(name, ExportKind::Global, index);
            }
        }
    }
}

/// The three `Reencode` hooks that place a pass's [`AddedGlobals`] (its field `added`): after
/// the module's globals, as a new global section if it has none, and in the exports.
macro_rules! added_globals_hooks {
    () => {
        fn parse_global_section(
            &mut self,
            globals: &mut wasm_encoder::GlobalSection,
            section: wasmparser::GlobalSectionReader<'_>,
        ) -> Result<(), reencode::Error<Self::Error>> {
            reencode::utils::parse_global_section(self, globals, section)?;
            self.added.append(globals);
            Ok(())
        }

        fn intersperse_section_hook(
            &mut self,
            module: &mut wasm_encoder::Module,
            _after: Option<wasm_encoder::SectionId>,
            before: Option<wasm_encoder::SectionId>,
        ) -> Result<(), reencode::Error<Self::Error>> {
            self.added.intersperse(module, before);
            Ok(())
        }

        fn parse_export_section(
            &mut self,
            exports: &mut wasm_encoder::ExportSection,
            section: wasmparser::ExportSectionReader<'_>,
        ) -> Result<(), reencode::Error<Self::Error>> {
            reencode::utils::parse_export_section(self, exports, section)?;
            self.added.export(exports);
            Ok(())
        }
    };
}
pub(crate) use added_globals_hooks;
