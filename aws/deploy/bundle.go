package deploy

import (
	"fmt"

	"github.com/lambda-apps/lambda-apps/aws/bundle"
	"github.com/lambda-apps/lambda-apps/aws/report"
)

// deprecatedRuntimes are Lambda runtimes AWS has retired or is retiring;
// AWS may refuse to create or update functions that use them.
var deprecatedRuntimes = map[string]string{
	"go1.x":         "provided.al2023 with a bootstrap binary",
	"nodejs12.x":    "a current nodejs runtime",
	"nodejs14.x":    "a current nodejs runtime",
	"nodejs16.x":    "a current nodejs runtime",
	"python3.6":     "a current python runtime",
	"python3.7":     "a current python runtime",
	"python3.8":     "a current python runtime",
	"dotnetcore3.1": "a current dotnet runtime",
	"ruby2.7":       "a current ruby runtime",
}

// OpenBundle opens and fully verifies the bundle at path (packages over
// 50 MB are allowed: deploy uploads them through S3) and returns it with
// the exact bytes of its manifest.json and warnings to show. The caller
// closes the bundle.
func OpenBundle(bundlePath string) (*bundle.Bundle, []byte, []string, error) {
	b, err := bundle.Open(bundlePath, bundle.AllowS3Upload())
	if err != nil {
		return nil, nil, nil, err
	}
	if err := b.Verify(); err != nil {
		_ = b.Close()
		return nil, nil, nil, fmt.Errorf("bundle %s: %w", bundlePath, err)
	}
	return b, b.ManifestJSON(), Warnings(b), nil
}

// Warnings lists what is worth telling about a valid bundle: ignored
// entries, deprecated runtimes and packages that go through S3.
func Warnings(b *bundle.Bundle) []string {
	warnings := append([]string(nil), b.Warnings()...)
	for _, fp := range b.Functions() {
		if better, ok := deprecatedRuntimes[fp.Function.Runtime]; ok {
			warnings = append(warnings, fmt.Sprintf("function %q uses runtime %s, which AWS Lambda has deprecated and may refuse; use %s",
				fp.Function.Name, fp.Function.Runtime, better))
		}
		if fp.Size > bundle.MaxDirectUploadSize {
			warnings = append(warnings, fmt.Sprintf("function %q is %s, more than the %s Lambda accepts directly; it is uploaded through the S3 bucket",
				fp.Function.Name, report.FormatBytes(fp.Size), report.FormatBytes(bundle.MaxDirectUploadSize)))
		}
	}
	return warnings
}
