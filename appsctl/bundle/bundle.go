// Package bundle reads app bundles, the zip files that `appsctl aws deploy`
// takes, and derives the provisioning data that says where each part of a
// bundle goes in AWS.
//
// A bundle holds manifest.json at its root, one .zip or .jar package per
// Lambda function named after the function (e.g. "function1.zip"), and
// static assets under static/. Read checks the whole archive against size,
// count, path and compression-ratio limits and reports every problem at
// once in an *Error; readers returned by the bundle enforce the declared
// sizes again while reading, so a zip whose headers lie cannot get past.
package bundle

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/lambda-apps/lambda-apps/apps"
)

// Limits on bundles.
const (
	// MaxEntries is the most entries (files and folders) a bundle may have.
	MaxEntries = 10_000
	// MaxEntrySize is the largest unzipped size of one entry.
	MaxEntrySize = 250 << 20
	// MaxTotalSize is the largest unzipped size of all entries together.
	MaxTotalSize = 1 << 30
	// MaxDirectUploadSize is the largest function package that can be
	// uploaded to Lambda directly; larger ones must go through S3.
	MaxDirectUploadSize = 50 << 20
	// MaxCompressionRatio is the highest unzipped/zipped size ratio allowed
	// for entries larger than RatioCheckMinSize.
	MaxCompressionRatio = 100
	// RatioCheckMinSize is the unzipped size from which the compression
	// ratio is checked.
	RatioCheckMinSize = 1 << 20
)

// ManifestName is the name of the manifest entry at the root of a bundle.
const ManifestName = "manifest.json"

// StaticDir is the folder of a bundle that holds static assets.
const StaticDir = "static/"

// Option changes how a bundle is read.
type Option func(*options)

type options struct {
	allowS3Upload bool
}

// AllowS3Upload accepts function packages over MaxDirectUploadSize (50 MB),
// for callers that upload packages to Lambda through S3.
func AllowS3Upload() Option {
	return func(o *options) { o.allowS3Upload = true }
}

// Bundle is a validated app bundle.
type Bundle struct {
	manifest  *apps.Manifest
	raw       []byte
	functions []*FunctionPackage
	assets    []*StaticAsset
	warnings  []string
	closer    io.Closer
}

// Manifest returns the bundle's manifest. It has an aws_lambda section.
func (b *Bundle) Manifest() *apps.Manifest { return b.manifest }

// ManifestJSON returns manifest.json exactly as it is in the bundle: this
// is what a deploy uploads, so that apps see their own file unchanged.
func (b *Bundle) ManifestJSON() []byte { return b.raw }

// Functions returns the function packages, in the order of the manifest's
// aws_lambda functions.
func (b *Bundle) Functions() []*FunctionPackage { return b.functions }

// StaticAssets returns the static assets, sorted by name.
func (b *Bundle) StaticAssets() []*StaticAsset { return b.assets }

// Warnings lists entries that were ignored, such as files outside static/
// or packages that match no function, for the caller to show.
func (b *Bundle) Warnings() []string { return b.warnings }

// Close closes the file of a bundle obtained with Open. The bundle's
// packages and assets cannot be read after that.
func (b *Bundle) Close() error {
	if b.closer == nil {
		return nil
	}
	return b.closer.Close()
}

// FunctionPackage is the code package of one of the app's Lambda functions.
type FunctionPackage struct {
	// Entry is the package's name in the bundle, e.g. "function1.zip".
	Entry string
	// Function is the manifest function the package belongs to.
	Function apps.AWSLambdaFunction
	// LambdaName is the Lambda function name to deploy it as.
	LambdaName string
	// Size is the package's size in bytes.
	Size int64

	file *zip.File
}

// Open returns a reader of the package's bytes. It fails if the data does
// not match the size and checksum the zip declares.
func (p *FunctionPackage) Open() (io.ReadCloser, error) {
	return openEntry(p.file, p.Entry)
}

// ReadAll returns the package's bytes.
func (p *FunctionPackage) ReadAll() ([]byte, error) {
	return readEntry(p.file, p.Entry)
}

// StaticAsset is a file under static/ in the bundle.
type StaticAsset struct {
	// Entry is the asset's name in the bundle, e.g. "static/img/logo.png".
	Entry string
	// Name is the asset's name, the part of Entry after "static/".
	Name string
	// Key is the S3 key to upload the asset to.
	Key string
	// Size is the asset's size in bytes.
	Size int64

	file *zip.File
}

// Open returns a reader of the asset's bytes. It fails if the data does not
// match the size and checksum the zip declares.
func (a *StaticAsset) Open() (io.ReadCloser, error) {
	return openEntry(a.file, a.Entry)
}

// Open reads and validates the bundle at path. Close the bundle when done.
func Open(path string, opts ...Option) (*Bundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open bundle: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("open bundle: %w", err)
	}
	b, err := Read(f, info.Size(), opts...)
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("bundle %s: %w", path, err)
	}
	b.closer = f
	return b, nil
}

// Read reads and validates a bundle of size bytes from r. All problems are
// reported at once in an *Error.
func Read(r io.ReaderAt, size int64, opts ...Option) (*Bundle, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && (zr == nil || !errors.Is(err, zip.ErrInsecurePath)) {
		return nil, fmt.Errorf("bundle is not a valid zip archive: %w", err)
	}
	if n := len(zr.File); n > MaxEntries {
		problems := &Error{}
		problems.addf("", "the bundle has %d entries, more than the %d allowed; remove unneeded files", n, MaxEntries)
		return nil, problems
	}

	rd := reader{opts: o, size: size}
	rd.scan(zr.File)
	rd.readManifest()
	b := &Bundle{manifest: rd.manifest, raw: rd.manifestData}
	if rd.manifest != nil && rd.manifest.AWSLambda != nil {
		b.functions = rd.matchFunctions()
		rd.checkLambdaNames()
	}
	b.assets = rd.staticAssets()
	b.warnings = rd.warnings
	if err := rd.problems.err(); err != nil {
		return nil, err
	}
	return b, nil
}

// Verify reads every function package and static asset to the end, checking
// their sizes and checksums, and reports all failures at once. Read only
// checks the headers; call Verify before a deploy to catch a corrupt or
// tampered archive early.
func (b *Bundle) Verify() error {
	var problems Error
	check := func(open func() (io.ReadCloser, error)) {
		rc, err := open()
		if err == nil {
			_, err = io.Copy(io.Discard, rc)
			if cerr := rc.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			// err already names the entry.
			problems.addf("", "%v", err)
		}
	}
	for _, p := range b.functions {
		check(p.Open)
	}
	for _, a := range b.assets {
		check(a.Open)
	}
	return problems.err()
}

// sortAssets orders assets by name.
func sortAssets(assets []*StaticAsset) {
	sort.Slice(assets, func(i, j int) bool { return assets[i].Name < assets[j].Name })
}
