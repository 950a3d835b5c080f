// Throwaway module used only to build the FerretDB binary for the local
// development stack (see ../stack.sh). It is never imported by Trellis code.
module trellis/ferretdb-build

go 1.24

require github.com/FerretDB/FerretDB v1.24.2
