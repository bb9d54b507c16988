package awsclean

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/lambda-apps/lambda-apps/appsctl/applist"
	"github.com/lambda-apps/lambda-apps/appsctl/awsaccount"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
)

// Kept is something clean matched by name but left in place because it
// belongs to another app version.
type Kept struct {
	// What names it, e.g. "Lambda function abc_1_2_fn".
	What string
	// Reason says whose it is.
	Reason string
}

// loadDeployed reads the manifests in the bucket once per run, so that
// what other app versions use is known. Unreadable manifests are warned
// about, except those in warned.
func (cl *cleaner) loadDeployed(ctx context.Context, warned map[string]bool) error {
	if cl.deployedRead {
		return nil
	}
	entries, problems, err := applist.List(ctx, cl.store)
	if err != nil {
		return fmt.Errorf("list the apps in bucket %s to keep what other app versions use: %w", cl.o.Bucket, err)
	}
	for _, pr := range problems {
		if !warned[pr.Key] {
			cl.p.Warnf("could not read %s, so clean does not know which names it uses: %v", pr.Key, pr.Err)
		}
	}
	cl.setDeployed(entries)
	return nil
}

// setDeployed records the manifests in the bucket.
func (cl *cleaner) setDeployed(entries []applist.Entry) {
	cl.deployed, cl.deployedRead = slices.Clone(entries), true
}

// forget drops a removed manifest from the deployed app versions.
func (cl *cleaner) forget(key string) {
	cl.deployed = slices.DeleteFunc(cl.deployed, func(e applist.Entry) bool { return e.Key == key })
}

// owner is an app version in the bucket that uses a name.
type owner struct {
	user awsnames.User
	key  string // its manifest
}

// ownerIndex is the names in AWS that the manifests of the app versions
// not being removed use.
type ownerIndex struct {
	lambdaNames map[string]owner // Lambda function name -> owner (with its function)
	prefixes    map[string]owner // static asset and function package prefixes -> owner
}

// others indexes the names of the deployed app versions that are not in
// removing.
func (cl *cleaner) others(removing map[awsnames.User]bool) ownerIndex {
	idx := ownerIndex{lambdaNames: map[string]owner{}, prefixes: map[string]owner{}}
	for _, e := range cl.deployed {
		app := awsnames.User{AppID: e.AppID, Version: e.Version}
		if removing[app] {
			continue
		}
		for _, p := range []string{awsnames.StaticPrefix(e.AppID, e.Version), awsnames.FunctionCodePrefix(e.AppID, e.Version)} {
			if _, ok := idx.prefixes[p]; !ok {
				idx.prefixes[p] = owner{user: app, key: e.Key}
			}
		}
		for _, fn := range applist.AppVersionOf(e.Manifest).Functions {
			name, err := awsnames.LambdaName(e.AppID, e.Version, fn)
			if err != nil {
				continue // no function can have this name
			}
			if _, ok := idx.lambdaNames[name]; !ok {
				u := app
				u.Function = fn
				idx.lambdaNames[name] = owner{user: u, key: e.Key}
			}
		}
	}
	return idx
}

// ownFunctions returns the functions of v that are the app version's own
// to remove, and keeps (see keep) the others: those whose name another
// app version's manifest uses, those whose description names an app
// version not in removing and, for a version without manifest (whose
// functions were found by name prefix), those whose description names no
// app version.
func (cl *cleaner) ownFunctions(ctx context.Context, appID string, v version, others ownerIndex, removing map[awsnames.User]bool) ([]string, error) {
	var own []string
	for _, name := range v.functions {
		what := "Lambda function " + name
		if o, ok := others.lambdaNames[name]; ok {
			cl.keep(what, fmt.Sprintf("its name is also that of %s, whose manifest is s3://%s/%s", o.user, cl.o.Bucket, o.key))
			continue
		}
		desc, known := v.descriptions[name]
		if !known {
			d, exists, err := cl.description(ctx, name)
			if err != nil {
				return nil, err
			}
			if !exists {
				own = append(own, name) // gone already; its ARN may still be in the policy
				continue
			}
			desc = d
		}
		described, ok := applist.ParseFunctionDescription(desc)
		switch {
		case ok && !removing[awsnames.User{AppID: described.AppID, Version: described.Version}]:
			cl.keep(what, fmt.Sprintf("its description says it is %s", described))
		case !ok && v.manifest == "":
			prefix, err := lambdaPrefix(appID, v.id)
			if err != nil {
				return nil, err
			}
			cl.keep(what, fmt.Sprintf("no manifest names it and its description does not say which app version it belongs to, "+
				"so it may be another app version's whose Lambda names also start with %q; if it is %s's, delete it with "+
				"`aws lambda delete-function --function-name %s`", prefix, awsnames.AppVersion{AppID: appID, Version: v.id}, name))
		default:
			own = append(own, name)
		}
	}
	return own, nil
}

// description returns the description of Lambda function name, and
// whether the function exists.
func (cl *cleaner) description(ctx context.Context, name string) (string, bool, error) {
	out, err := cl.c.Lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
	if awsaccount.IsNotFound(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("look up Lambda function %s to check which app version it belongs to: %w", name, err)
	}
	if out.Configuration == nil {
		return "", true, nil
	}
	return aws.ToString(out.Configuration.Description), true, nil
}

// keep records and reports something clean leaves in place.
func (cl *cleaner) keep(what, reason string) {
	cl.r.Kept = append(cl.r.Kept, Kept{What: what, Reason: reason})
	cl.p.Warnf("kept %s: %s", what, reason)
}

// unkeep forgets that what was kept, once a later step of the same run
// (clean --all) removed it.
func (cl *cleaner) unkeep(what string) {
	cl.r.Kept = slices.DeleteFunc(cl.r.Kept, func(k Kept) bool { return k.What == what })
}
