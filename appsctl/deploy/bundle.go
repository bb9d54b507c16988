package deploy

import (
	"fmt"

	"github.com/lambda-apps/lambda-apps/appsctl/gomigrate"
	"github.com/lambda-apps/lambda-apps/appsctl/report"
	"github.com/lambda-apps/lambda-apps/aws/bundle"
)

// deprecatedRuntimes are Lambda runtimes AWS has retired or is retiring;
// AWS may refuse to create or update functions that use them. go1.x is
// handled apart: deploy migrates it (see gomigrate).
var deprecatedRuntimes = map[string]string{
	gomigrate.LegacyRuntime: "provided.al2023 with a bootstrap binary",
	"nodejs12.x":            "a current nodejs runtime",
	"nodejs14.x":            "a current nodejs runtime",
	"nodejs16.x":            "a current nodejs runtime",
	"python3.6":             "a current python runtime",
	"python3.7":             "a current python runtime",
	"python3.8":             "a current python runtime",
	"dotnetcore3.1":         "a current dotnet runtime",
	"ruby2.7":               "a current ruby runtime",
}

// Opened is a bundle opened and verified by OpenBundle.
type Opened struct {
	Bundle *bundle.Bundle
	// Migrations are the plans of the go1.x functions, by manifest function
	// name; empty when the runtime is kept (Options.KeepRuntime).
	Migrations map[string]gomigrate.Plan
	// Warnings are the warnings to show before deploying.
	Warnings []string
}

// Close closes the bundle.
func (o *Opened) Close() error { return o.Bundle.Close() }

// OpenBundle opens and fully verifies the bundle at path (packages over
// 50 MB are allowed: deploy uploads them through S3), looks at the binaries
// of its go1.x functions unless keepRuntime, and lists the warnings to
// show. The caller closes the bundle.
func OpenBundle(bundlePath string, keepRuntime bool) (*Opened, error) {
	b, err := bundle.Open(bundlePath, bundle.AllowS3Upload())
	if err != nil {
		return nil, err
	}
	o := &Opened{Bundle: b}
	if err = b.Verify(); err == nil && !keepRuntime {
		o.Migrations, err = planMigrations(b)
	}
	if err != nil {
		_ = b.Close()
		return nil, fmt.Errorf("bundle %s: %w", bundlePath, err)
	}
	o.Warnings = Warnings(b, o.Migrations)
	return o, nil
}

// Warnings lists what is worth telling about a valid bundle: ignored
// entries, deprecated runtimes, what happens to go1.x functions (given
// their migration plans; a function without one keeps go1.x) and packages
// that go through S3.
func Warnings(b *bundle.Bundle, migrations map[string]gomigrate.Plan) []string {
	warnings := append([]string(nil), b.Warnings()...)
	for _, fp := range b.Functions() {
		fn := fp.Function
		if fn.Runtime == gomigrate.LegacyRuntime {
			warnings = append(warnings, goWarning(fn.Name, migrations[fn.Name]))
		} else if better, ok := deprecatedRuntimes[fn.Runtime]; ok {
			warnings = append(warnings, fmt.Sprintf("function %q uses runtime %s, which AWS Lambda has deprecated and may refuse; use %s",
				fn.Name, fn.Runtime, better))
		}
		if fp.Size > bundle.MaxDirectUploadSize {
			warnings = append(warnings, fmt.Sprintf("function %q is %s, more than the %s Lambda accepts directly; it is uploaded through the S3 bucket",
				fn.Name, report.FormatBytes(fp.Size), report.FormatBytes(bundle.MaxDirectUploadSize)))
		}
	}
	return warnings
}

// goWarning says what deploy does with a go1.x function.
func goWarning(name string, plan gomigrate.Plan) string {
	deprecated := fmt.Sprintf("function %q uses runtime %s, which AWS Lambda has deprecated and may refuse",
		name, gomigrate.LegacyRuntime)
	switch plan.Outcome {
	case gomigrate.Migratable:
		s := fmt.Sprintf("function %q uses runtime %s, which AWS Lambda no longer accepts; deploy migrates it to %s (%s = %s, %s)",
			name, gomigrate.LegacyRuntime, gomigrate.Runtime, gomigrate.Bootstrap, plan.Handler, plan.Architecture)
		if plan.Note != "" {
			s += "; " + plan.Note
		}
		return s
	case gomigrate.RPCOnly:
		return fmt.Sprintf("function %q cannot be migrated to %s: %s. It is deployed as %s, which AWS Lambda refuses; "+
			"rebuild it with %s %s or later (go get %s@latest) and deploy again",
			name, gomigrate.Runtime, plan.Reason, gomigrate.LegacyRuntime, gomigrate.LambdaGoModule, gomigrate.MinLambdaGo, gomigrate.LambdaGoModule)
	case gomigrate.Unsuitable:
		return fmt.Sprintf("%s; it is not migrated to %s (%s), so it is deployed as %s; use %s",
			deprecated, gomigrate.Runtime, plan.Reason, gomigrate.LegacyRuntime, deprecatedRuntimes[gomigrate.LegacyRuntime])
	}
	return fmt.Sprintf("%s; --keep-runtime: it is deployed as %s, not migrated to %s", deprecated, gomigrate.LegacyRuntime, gomigrate.Runtime)
}
