package deploy

import (
	"fmt"
	"time"

	"github.com/lambda-apps/lambda-apps/appsctl/bundle"
	"github.com/lambda-apps/lambda-apps/appsctl/gomigrate"
	"github.com/lambda-apps/lambda-apps/appsctl/report"
	"github.com/lambda-apps/lambda-apps/appsctl/runtimes"
)

// Opened is a bundle opened and verified by OpenBundle.
type Opened struct {
	Bundle *bundle.Bundle
	// Migrations are the plans of the go1.x functions, by manifest function
	// name; empty when the runtime is kept (Options.KeepRuntime).
	Migrations map[string]gomigrate.Plan
	// Runtimes are the decisions on the functions' runtimes against AWS
	// Lambda's calendar (package runtimes), by manifest function name; a
	// function whose runtime is current has none. go1.x is in Migrations.
	Runtimes map[string]runtimes.Decision
	// Warnings are the warnings to show before deploying.
	Warnings []string
}

// Close closes the bundle.
func (o *Opened) Close() error { return o.Bundle.Close() }

// OpenBundle opens and fully verifies the bundle at path (packages over
// 50 MB are allowed: deploy uploads them through S3), looks at the binaries
// of its go1.x functions unless keepRuntime, decides what to do with the
// runtimes AWS Lambda deprecates (as of now) and lists the warnings to
// show. The caller closes the bundle.
func OpenBundle(bundlePath string, keepRuntime bool) (*Opened, error) {
	return OpenBundleAt(bundlePath, keepRuntime, time.Now())
}

// OpenBundleAt is OpenBundle with the runtime calendar read at now.
func OpenBundleAt(bundlePath string, keepRuntime bool, now time.Time) (*Opened, error) {
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
	o.Runtimes = RuntimeDecisions(b, now, keepRuntime)
	o.Warnings = Warnings(b, o.Migrations, o.Runtimes)
	return o, nil
}

// migrateRuntimes turns on deploying functions whose runtime AWS Lambda no
// longer accepts (Node.js, and drop-in successors) on the runtime package
// runtimes picks (--keep-runtime turns it off per deploy). While off, such
// functions are deployed on their runtime and the warning names the
// runtime to move to.
var migrateRuntimes = true

// RuntimeDecisions decides, for every function whose runtime AWS Lambda
// deprecates at now, whether deploy keeps it or migrates it (see
// runtimes.Decide).
func RuntimeDecisions(b *bundle.Bundle, now time.Time, keepRuntime bool) map[string]runtimes.Decision {
	decisions := map[string]runtimes.Decision{}
	o := runtimes.Options{KeepRuntime: keepRuntime, Migrate: migrateRuntimes}
	for _, fp := range b.Functions() {
		fn := fp.Function
		if d := runtimes.Decide(fn.Name, fn.Runtime, now, o); d.Action != runtimes.Keep {
			decisions[fn.Name] = d
		}
	}
	return decisions
}

// Warnings lists what is worth telling about a valid bundle: ignored
// entries, what happens to go1.x functions (given their migration plans; a
// function without one keeps go1.x) and to functions on other deprecated
// runtimes (given the runtime decisions), and packages that go through S3.
func Warnings(b *bundle.Bundle, migrations map[string]gomigrate.Plan, decisions map[string]runtimes.Decision) []string {
	warnings := append([]string(nil), b.Warnings()...)
	for _, fp := range b.Functions() {
		fn := fp.Function
		if fn.Runtime == gomigrate.LegacyRuntime {
			warnings = append(warnings, goWarning(fn.Name, migrations[fn.Name]))
		} else if d, ok := decisions[fn.Name]; ok {
			warnings = append(warnings, d.Message)
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
			deprecated, gomigrate.Runtime, plan.Reason, gomigrate.LegacyRuntime, gomigrate.Runtime+" with a bootstrap binary")
	}
	return fmt.Sprintf("%s; --keep-runtime: it is deployed as %s, not migrated to %s", deprecated, gomigrate.LegacyRuntime, gomigrate.Runtime)
}
