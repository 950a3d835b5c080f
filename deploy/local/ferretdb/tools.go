//go:build tools

// Package tools pins the FerretDB command so that `go mod tidy` and
// `go mod vendor` keep it (and everything it needs) in go.mod / go.sum.
package tools

import _ "github.com/FerretDB/FerretDB/cmd/ferretdb"
