package deploy

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambda-apps/lambda-apps/appsctl/applist"
	"github.com/lambda-apps/lambda-apps/appsctl/awsaccount"
	"github.com/lambda-apps/lambda-apps/appsctl/bundle"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
)

// CollisionError is an app version whose names in AWS (manifest key, static
// asset prefix, Lambda function names) are already used by a different
// app version: deploying it would overwrite that app.
type CollisionError struct {
	// App is the app version that was to be deployed.
	App awsnames.AppVersion
	// Where says where the other app versions were found, e.g.
	// `in bucket "mattermost-apps-bucket"`.
	Where string
	// Functions is set when the others were found only as Lambda
	// functions, without a manifest in the bucket.
	Functions  bool
	Collisions []awsnames.Collision
}

func (e *CollisionError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s would overwrite another app version %s; these names in AWS are already in use:", e.App, e.Where)
	var others []awsnames.AppVersion
	for _, c := range e.Collisions {
		b.WriteString("\n  - " + c.String())
		other := awsnames.AppVersion{AppID: c.Other.AppID, Version: c.Other.Version}
		if !other.Same(e.App) && !slices.ContainsFunc(others, other.Same) {
			others = append(others, other)
		}
	}
	b.WriteString("\nNothing was changed. AWS names join the app ID, the version and the function name with '_', and turn '.' " +
		"in the app ID and version (and spaces in function names) into '-', so different app IDs or versions can map to the same names.")
	b.WriteString("\nTo deploy this app, choose another app ID (or version) for it in manifest.json that does not map to these names.")
	if e.Functions {
		// The other app versions have no manifest in the bucket: name
		// the functions themselves.
		for _, c := range e.Collisions {
			fmt.Fprintf(&b, "\nIf %s is no longer used, delete its Lambda function first: `aws lambda delete-function --function-name %s`.",
				awsnames.AppVersion{AppID: c.Other.AppID, Version: c.Other.Version}, c.Name)
		}
		return b.String()
	}
	for _, o := range others {
		fmt.Fprintf(&b, "\nIf %s is no longer used, remove it first with `appsctl aws clean --app %s --version %s`.", o, o.AppID, o.Version)
	}
	return b.String()
}

// CollisionCheck is the outcome of a CheckCollisions that found none.
type CollisionCheck struct {
	// Deployed is how many app versions were found in the bucket.
	Deployed int
	// Warnings name the manifests in the bucket that could not be read,
	// and so were not checked.
	Warnings []string
}

// CheckCollisions lists the manifests in the bucket of store and returns a
// *CollisionError when an app version other than the bundle's uses one of
// the bundle's names in AWS (see awsnames.FindCollisions). It only reads.
func CheckCollisions(ctx context.Context, store *s3store.Store, b *bundle.Bundle) (*CollisionCheck, error) {
	app := applist.AppVersionOf(b.Manifest())
	entries, problems, err := applist.List(ctx, store)
	if err != nil {
		return nil, fmt.Errorf("list the apps in bucket %q to check that %s does not use their names in AWS: %w", store.Bucket(), app, err)
	}
	res := &CollisionCheck{Deployed: len(entries)}
	deployed := make([]awsnames.AppVersion, 0, len(entries))
	for _, e := range entries {
		deployed = append(deployed, applist.AppVersionOf(e.Manifest))
	}
	for _, pr := range problems {
		res.Warnings = append(res.Warnings, fmt.Sprintf(
			"could not check the manifest s3://%s/%s for name collisions: %v", store.Bucket(), pr.Key, pr.Err))
	}
	if cs := awsnames.FindCollisions(app, deployed); len(cs) > 0 {
		return nil, &CollisionError{App: app, Where: fmt.Sprintf("in bucket %q", store.Bucket()), Collisions: cs}
	}
	return res, nil
}

// CheckFunctionOwners looks up the bundle's Lambda functions in region and
// returns a *CollisionError when one of them exists and was created by
// deploy for another app version (its description says so), such as the
// function of a deploy that stopped before uploading its manifest. It only
// reads.
func CheckFunctionOwners(ctx context.Context, api lambda.GetFunctionAPIClient, region string, b *bundle.Bundle) error {
	app := applist.AppVersionOf(b.Manifest())
	var collisions []awsnames.Collision
	for _, fp := range b.Functions() {
		out, err := api.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(fp.LambdaName)})
		switch {
		case awsaccount.IsNotFound(err):
		case err != nil:
			return fmt.Errorf("look up Lambda function %s: %w", fp.LambdaName, err)
		case out.Configuration != nil:
			if c, ok := ownerCollision(app, fp, out.Configuration); ok {
				collisions = append(collisions, c)
			}
		}
	}
	if len(collisions) > 0 {
		return functionsCollisionError(app, region, collisions)
	}
	return nil
}

// ownerCollision reports the existing function cfg of fp as a collision
// when its description names another app version.
func ownerCollision(app awsnames.AppVersion, fp *bundle.FunctionPackage, cfg *types.FunctionConfiguration) (awsnames.Collision, bool) {
	owner, ok := applist.ParseFunctionDescription(aws.ToString(cfg.Description))
	if !ok || (owner.AppID == app.AppID && owner.Version == app.Version) {
		return awsnames.Collision{}, false
	}
	return awsnames.Collision{
		Kind: awsnames.KindLambdaName, Name: fp.LambdaName, Other: owner,
		User: awsnames.User{AppID: app.AppID, Version: app.Version, Function: fp.Function.Name},
	}, true
}

func functionsCollisionError(app awsnames.AppVersion, region string, collisions []awsnames.Collision) *CollisionError {
	return &CollisionError{App: app, Where: fmt.Sprintf("among the Lambda functions in %s", region), Functions: true, Collisions: collisions}
}
