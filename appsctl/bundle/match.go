package bundle

import (
	"fmt"
	"path"
	"strings"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
)

// matchFunctions pairs every manifest function with exactly one package.
//
// A package belongs to the function whose name equals the package's base
// name without extension. Packages that match no name exactly fall back to
// the legacy rule: the base name ends with the function name, among the
// functions that have no exact match. A package that matches several
// functions that way is an error, as is a function with no package or with
// more than one.
func (rd *reader) matchFunctions() []*FunctionPackage {
	fns := rd.manifest.AWSLambda.Functions
	// Functions without a name or with a duplicate name are already
	// reported by the manifest validation; leave them out.
	index := make(map[string]int, len(fns))
	for i, fn := range fns {
		if _, dup := index[fn.Name]; fn.Name != "" && !dup {
			index[fn.Name] = i
		}
	}

	matched := make([][]entry, len(fns))
	var rest []entry
	for _, e := range rd.packages {
		if i, ok := index[packageBase(e.name)]; ok {
			matched[i] = append(matched[i], e)
		} else {
			rest = append(rest, e)
		}
	}
	exact := make([]bool, len(fns))
	for i := range matched {
		exact[i] = len(matched[i]) > 0
	}

	var unmatched []string
	for _, e := range rest {
		base := packageBase(e.name)
		var candidates []int
		for i, fn := range fns {
			if rd.usable(index, i) && !exact[i] && strings.HasSuffix(base, fn.Name) {
				candidates = append(candidates, i)
			}
		}
		switch len(candidates) {
		case 0:
			unmatched = append(unmatched, e.name)
			rd.warnings = append(rd.warnings, fmt.Sprintf(
				"ignored package %q: its name matches no function in manifest.json aws_lambda.functions", e.name))
		case 1:
			matched[candidates[0]] = append(matched[candidates[0]], e)
		default:
			rd.problems.addf(entrySubject(e.file.Name), "matches more than one function by the end of its name: %s; rename it to exactly one function name",
				quoteFunctions(fns, candidates))
		}
	}

	var packages []*FunctionPackage
	for i, fn := range fns {
		if !rd.usable(index, i) {
			continue
		}
		switch entries := matched[i]; len(entries) {
		case 0:
			msg := fmt.Sprintf("has no package; add %q (or .jar) to the bundle", fn.Name+".zip")
			if len(unmatched) > 0 {
				msg += fmt.Sprintf(" (packages matching no function: %s)", quoteList(unmatched))
			}
			rd.problems.addf(functionSubject(fn.Name), "%s", msg)
		case 1:
			if p := rd.newPackage(entries[0], i); p != nil {
				packages = append(packages, p)
			}
		default:
			names := make([]string, len(entries))
			for k, e := range entries {
				names[k] = e.name
			}
			rd.problems.addf(functionSubject(fn.Name), "has %d packages: %s; keep exactly one", len(entries), quoteList(names))
		}
	}
	return packages
}

// newPackage checks a matched package and builds its FunctionPackage.
func (rd *reader) newPackage(e entry, i int) *FunctionPackage {
	fn := rd.manifest.AWSLambda.Functions[i]
	size := e.file.UncompressedSize64
	if size > MaxDirectUploadSize && !rd.opts.allowS3Upload {
		rd.problems.addf(entrySubject(e.file.Name), "is %s, more than the %s that can be uploaded to Lambda directly; make the package smaller or upload it through S3",
			formatSize(size), formatSize(MaxDirectUploadSize))
		return nil
	}
	p := &FunctionPackage{Entry: e.file.Name, Function: fn, Size: int64(size), file: e.file}
	if rd.manifestValid {
		name, err := awsnames.LambdaName(string(rd.manifest.AppID), string(rd.manifest.Version), fn.Name)
		if err != nil {
			rd.problems.addf(functionSubject(fn.Name), "%v", err)
			return nil
		}
		p.LambdaName = name
	}
	return p
}

// checkLambdaNames reports functions of the manifest whose names map to the
// same Lambda function name ("a b" and "a-b"): deploying both would make
// one overwrite the other.
func (rd *reader) checkLambdaNames() {
	if !rd.manifestValid {
		return
	}
	m := rd.manifest
	app := awsnames.AppVersion{AppID: string(m.AppID), Version: string(m.Version)}
	for _, fn := range m.AWSLambda.Functions {
		app.Functions = append(app.Functions, fn.Name)
	}
	for _, c := range awsnames.FindCollisions(app, nil) {
		rd.problems.addf(functionSubject(c.User.Function),
			"has the same Lambda function name %q as function %q (spaces in function names become '-'); rename one of them",
			c.Name, c.Other.Function)
	}
}

// packageBase returns a package entry's base name without its extension.
func packageBase(name string) string {
	base := path.Base(name)
	return base[:len(base)-len(path.Ext(base))]
}

// usable reports whether function i takes part in matching: it has a name
// and is the first function with that name.
func (rd *reader) usable(index map[string]int, i int) bool {
	j, ok := index[rd.manifest.AWSLambda.Functions[i].Name]
	return ok && j == i
}

func quoteFunctions(fns []apps.AWSLambdaFunction, idx []int) string {
	names := make([]string, len(idx))
	for k, i := range idx {
		names[k] = fns[i].Name
	}
	return quoteList(names)
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
