// Package gomigrate moves Go functions off the go1.x Lambda runtime, which
// AWS retired, to provided.al2023.
//
// A go1.x package is a zip holding a Linux executable named like the
// function's handler. provided.al2023 runs an executable named "bootstrap"
// that talks to the Lambda Runtime API, which github.com/aws/aws-lambda-go
// does since v1.18.0 (older versions only speak go1.x's RPC protocol).
// Inspect looks at the handler binary and says whether it can be migrated,
// and for which architecture; Rewrite writes the package with the extra
// "bootstrap" entry.
package gomigrate

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Runtimes, handler and module involved in a migration.
const (
	// LegacyRuntime is the retired Go runtime.
	LegacyRuntime = "go1.x"
	// Runtime is the runtime migrated functions are deployed with.
	Runtime = "provided.al2023"
	// Bootstrap is the handler, and the executable, of provided runtimes.
	Bootstrap = "bootstrap"
	// LambdaGoModule is the Go module that implements Lambda handlers.
	LambdaGoModule = "github.com/aws/aws-lambda-go"
	// MinLambdaGo is the first LambdaGoModule version that speaks the
	// Lambda Runtime API.
	MinLambdaGo = "v1.18.0"
	// maxBinarySize bounds the handler binary read: Lambda's limit on
	// unzipped code.
	maxBinarySize = 250 << 20
)

// Outcome is what Inspect decided about a go1.x package.
type Outcome int

// Outcomes of Inspect.
const (
	// Migratable packages hold a Linux executable for x86_64 or arm64 that
	// speaks (or is assumed to speak) the Lambda Runtime API.
	Migratable Outcome = iota + 1
	// Unsuitable packages have no such executable under the handler's name
	// (or a conflicting bootstrap): they are kept as go1.x.
	Unsuitable
	// RPCOnly binaries are built with an aws-lambda-go older than
	// MinLambdaGo: they cannot run on provided.al2023 and must be rebuilt.
	RPCOnly
)

// Plan says what to do with a go1.x function package.
type Plan struct {
	Outcome Outcome
	// Handler is the manifest's handler, the executable's name.
	Handler string
	// Architecture is the Lambda architecture the binary is built for,
	// "x86_64" or "arm64"; set for Migratable and RPCOnly.
	Architecture string
	// LambdaGo is the LambdaGoModule version in the binary's build
	// information; empty when unknown.
	LambdaGo string
	// Note qualifies a migration, e.g. when the binary's aws-lambda-go
	// version is unknown.
	Note string
	// Reason says why the package is Unsuitable or RPCOnly.
	Reason string
}

// Migrate reports whether the function is to be deployed on Runtime.
func (p Plan) Migrate() bool { return p.Outcome == Migratable }

// Inspect looks at the go1.x package zip in r (size bytes) and at its
// executable named handler. A package that is not a zip, or has no ELF
// executable by that name, is Unsuitable, not an error; an error means the
// package could not be read.
func Inspect(r io.ReaderAt, size int64, handler string) (Plan, error) {
	plan := Plan{Handler: handler}
	unsuitable := func(format string, args ...any) (Plan, error) {
		plan.Outcome, plan.Reason = Unsuitable, fmt.Sprintf(format, args...)
		return plan, nil
	}
	zr, err := openZip(r, size)
	if err != nil {
		return unsuitable("the package is not a zip archive (%v)", err)
	}
	exe, boot, err := find(zr, handler)
	if err != nil {
		return unsuitable("%v", err)
	}
	data, err := readFile(exe, maxBinarySize)
	if err != nil {
		return plan, fmt.Errorf("read %q from the package: %w", exe.Name, err)
	}
	if boot != nil {
		other, err := readFile(boot, maxBinarySize)
		if err != nil {
			return plan, fmt.Errorf("read %q from the package: %w", boot.Name, err)
		}
		if !bytes.Equal(other, data) {
			return unsuitable("the package already has a %s that differs from %q", Bootstrap, handler)
		}
	}
	bin, err := analyze(data)
	if err != nil {
		return unsuitable("%q %v", handler, err)
	}
	plan.Architecture, plan.LambdaGo = bin.arch, bin.lambdaGo
	switch {
	case bin.buildInfoErr != nil:
		plan.Note = fmt.Sprintf("its Go build information cannot be read (%v), so its aws-lambda-go version is unknown; "+
			"it is assumed to speak the Lambda Runtime API", bin.buildInfoErr)
	case !bin.hasLambdaGo:
		plan.Note = fmt.Sprintf("its Go build information does not list %s; it is assumed to speak the Lambda Runtime API itself", LambdaGoModule)
	default:
		older, known := olderThanMin(bin.lambdaGo)
		switch {
		case !known:
			plan.Note = fmt.Sprintf("its %s version %q cannot be compared with %s; it is assumed to speak the Lambda Runtime API",
				LambdaGoModule, bin.lambdaGo, MinLambdaGo)
		case older:
			plan.Outcome = RPCOnly
			plan.Reason = fmt.Sprintf("%q is built with %s %s, which speaks only the go1.x RPC protocol, not the Lambda Runtime API (%s or later)",
				handler, LambdaGoModule, bin.lambdaGo, MinLambdaGo)
			return plan, nil
		}
	}
	plan.Outcome = Migratable
	return plan, nil
}

// openZip reads the zip directory of a package.
func openZip(r io.ReaderAt, size int64) (*zip.Reader, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && (zr == nil || !errors.Is(err, zip.ErrInsecurePath)) {
		return nil, err
	}
	return zr, nil
}

// entryName is a zip entry's name as it lands in the function's folder.
func entryName(name string) string {
	return strings.TrimPrefix(path.Clean(strings.ReplaceAll(name, `\`, "/")), "./")
}

// find returns the handler's entry and an existing bootstrap file entry
// (nil when there is none, or when the handler is the bootstrap).
func find(zr *zip.Reader, handler string) (exe, boot *zip.File, err error) {
	want := entryName(handler)
	if handler == "" || path.IsAbs(want) || want == ".." || strings.HasPrefix(want, "../") {
		return nil, nil, fmt.Errorf("the handler %q is not a file name", handler)
	}
	for _, f := range zr.File {
		name := entryName(f.Name)
		switch {
		case name == want && exe == nil && f.Mode().IsRegular():
			exe = f
		case name == Bootstrap && want != Bootstrap && f.Mode().IsRegular():
			boot = f
		case name == Bootstrap || strings.HasPrefix(name, Bootstrap+"/"):
			if want != Bootstrap || !f.Mode().IsRegular() {
				return nil, nil, fmt.Errorf("the package has a %q that is not a plain file", f.Name)
			}
		}
	}
	if exe == nil {
		return nil, nil, fmt.Errorf("the package has no file named %q", handler)
	}
	return exe, boot, nil
}

// readFile returns the bytes of a zip entry of at most limit bytes.
func readFile(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("it unzips to %d bytes, more than Lambda's %d", f.UncompressedSize64, limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if cerr := rc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("it unzips to more than Lambda's %d bytes", limit)
	}
	return data, nil
}
