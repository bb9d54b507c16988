package deploy

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/lambda-apps/lambda-apps/appsctl/bundle"
	"github.com/lambda-apps/lambda-apps/appsctl/gomigrate"
	"github.com/lambda-apps/lambda-apps/appsctl/runtimes"
)

// planMigrations inspects the package of every go1.x function.
func planMigrations(b *bundle.Bundle) (map[string]gomigrate.Plan, error) {
	plans := map[string]gomigrate.Plan{}
	for _, fp := range b.Functions() {
		fn := fp.Function
		if fn.Runtime != gomigrate.LegacyRuntime {
			continue
		}
		err := withPackage(fp, func(r io.ReaderAt, size int64) error {
			plan, err := gomigrate.Inspect(r, size, fn.Handler)
			plans[fn.Name] = plan
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("function %q: %w", fn.Name, err)
		}
	}
	return plans, nil
}

// withPackage calls fn with the function package's bytes: read into
// memory up to the direct-upload limit, copied to a temporary file above.
func withPackage(fp *bundle.FunctionPackage, fn func(r io.ReaderAt, size int64) error) error {
	if fp.Size <= bundle.MaxDirectUploadSize {
		data, err := fp.ReadAll()
		if err != nil {
			return err
		}
		return fn(bytes.NewReader(data), int64(len(data)))
	}
	f, err := os.CreateTemp("", "appsctl-package-*.zip")
	if err != nil {
		return fmt.Errorf("copy the package to a temporary file: %w", err)
	}
	defer func() {
		_ = f.Close()
		_ = os.Remove(f.Name())
	}()
	rc, err := fp.Open()
	if err != nil {
		return err
	}
	n, err := io.Copy(f, rc)
	if cerr := rc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("copy the package to a temporary file: %w", err)
	}
	return fn(f, n)
}

// target is what a function is deployed as: the manifest's runtime and
// handler with --architecture, or the migrated ones.
type target struct {
	runtime, handler, arch string
	// migrated is the rewritten package, a temporary file, of size bytes;
	// empty when the bundle's package is deployed as it is.
	migrated string
	size     int64
}

// target returns what fp is deployed as, writing the migrated package
// when it is migrated (go1.x), or with the runtime AWS Lambda still accepts
// (see package runtimes; the package is deployed as it is). cleanup
// removes the migrated package.
func (d *deployer) target(fp *bundle.FunctionPackage) (t target, cleanup func(), err error) {
	fn := fp.Function
	t = target{runtime: fn.Runtime, handler: fn.Handler, arch: d.o.Architecture}
	cleanup = func() {}
	if rd, ok := d.runtimes[fn.Name]; ok && rd.Action == runtimes.Migrate {
		t.runtime = rd.Target
		d.p.Infof("%s", rd.Message)
		return t, cleanup, nil
	}
	plan, ok := d.migrations[fn.Name]
	if !ok || !plan.Migrate() {
		return t, cleanup, nil
	}
	f, err := os.CreateTemp("", "appsctl-migrated-*.zip")
	if err != nil {
		return t, cleanup, fmt.Errorf("function %q: create the migrated package: %w", fn.Name, err)
	}
	cleanup = func() { _ = os.Remove(f.Name()) }
	err = withPackage(fp, func(r io.ReaderAt, size int64) error {
		return gomigrate.Rewrite(f, r, size, plan.Handler)
	})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	var info os.FileInfo
	if err == nil {
		info, err = os.Stat(f.Name())
	}
	if err != nil {
		cleanup()
		return t, func() {}, fmt.Errorf("function %q: write the package migrated to %s: %w", fn.Name, gomigrate.Runtime, err)
	}
	d.p.Infof("function %q: %s -> %s (%s = %s, %s): AWS Lambda no longer accepts %s", fn.Name,
		gomigrate.LegacyRuntime, gomigrate.Runtime, gomigrate.Bootstrap, plan.Handler, plan.Architecture, gomigrate.LegacyRuntime)
	if plan.Note != "" {
		d.p.Infof("function %q: %s", fn.Name, plan.Note)
	}
	if plan.Architecture != d.o.Architecture {
		d.p.Infof("function %q: its binary is built for %s, so it is deployed as %s, not as --architecture %s",
			fn.Name, plan.Architecture, plan.Architecture, d.o.Architecture)
	}
	return target{runtime: gomigrate.Runtime, handler: gomigrate.Bootstrap, arch: plan.Architecture,
		migrated: f.Name(), size: info.Size()}, cleanup, nil
}
