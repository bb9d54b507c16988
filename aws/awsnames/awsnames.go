// Package awsnames holds the exact names this product uses in AWS: Lambda
// function names, S3 keys of manifests and static assets, default IAM names,
// and the rule that picks an app's Lambda function for a call path.
//
// The names are compatible with apps deployed by the Mattermost Apps plugin
// v1.2.x, except that over-long Lambda names no longer keep the dots of the
// app ID and version (which AWS rejects).
package awsnames

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// MaxLambdaNameLength is the longest Lambda function name AWS accepts.
const MaxLambdaNameLength = 64

// minHashLength is the fewest hex characters of hash a shortened Lambda
// name may end with. Valid manifests always leave room for at least 20.
const minHashLength = 16

// LambdaName returns the Lambda function name of an app's function:
// "{appID}_{version}_{function}" with every '.' in appID and version and
// every space in function replaced by '-'. A name longer than 64 characters
// becomes "{appID}_{version}_{h}" (sanitized the same way), where h is the
// lowercase hex SHA-256 of the full sanitized name, cut so that the result
// is exactly 64 characters.
//
// Any other character outside [A-Za-z0-9_-] is an error.
func LambdaName(appID, version, function string) (string, error) {
	if appID == "" {
		return "", errors.New("lambda name: app ID is empty")
	}
	if function == "" {
		return "", errors.New("lambda name: function name is empty")
	}
	id := strings.ReplaceAll(appID, ".", "-")
	ver := strings.ReplaceAll(version, ".", "-")
	fn := strings.ReplaceAll(function, " ", "-")
	for _, part := range []struct{ what, raw, sanitized string }{
		{"app ID", appID, id},
		{"version", version, ver},
		{"function name", function, fn},
	} {
		if i := strings.IndexFunc(part.sanitized, isInvalidLambdaRune); i >= 0 {
			return "", fmt.Errorf("lambda name: %s %q has character %q, which is not allowed in a Lambda function name (use letters, digits, '-', '_')",
				part.what, part.raw, part.sanitized[i])
		}
	}
	name := id + "_" + ver + "_" + fn
	if len(name) <= MaxLambdaNameLength {
		return name, nil
	}
	prefix := id + "_" + ver + "_"
	n := MaxLambdaNameLength - len(prefix)
	if n < minHashLength {
		return "", fmt.Errorf("lambda name: app ID %q and version %q are too long to build a Lambda function name", appID, version)
	}
	sum := sha256.Sum256([]byte(name))
	return prefix + hex.EncodeToString(sum[:])[:n], nil
}

func isInvalidLambdaRune(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
		return false
	}
	return true
}

// S3 key layout.
const (
	// ManifestPrefix is the prefix of every manifest key.
	ManifestPrefix = "manifests/"
	// StaticRootPrefix is the prefix of every static asset key.
	StaticRootPrefix = "static/"
	// FunctionCodeRootPrefix is the prefix of every function package that
	// `appsctl aws deploy` put in the bucket because it was too large to
	// upload to Lambda directly.
	FunctionCodeRootPrefix = "functions/"
)

// ManifestKey returns the S3 key of an app version's manifest,
// "manifests/{appID}_{version}.json" (not sanitized). App ID and version may
// both contain '_', so never parse them back out of a key: read the manifest
// and compare its key with ManifestKey instead.
func ManifestKey(appID, version string) string {
	return ManifestPrefix + appID + "_" + version + ".json"
}

// StaticPrefix returns the S3 key prefix of an app version's static assets,
// "static/{appID}_{version}_app/".
func StaticPrefix(appID, version string) string {
	return StaticRootPrefix + appID + "_" + version + "_app/"
}

// FunctionCodePrefix returns the S3 key prefix of an app version's large
// function packages, "functions/{appID}_{version}/" (not sanitized). Like
// StaticPrefix, it is shared by app versions whose manifest keys are the
// same.
func FunctionCodePrefix(appID, version string) string {
	return FunctionCodeRootPrefix + appID + "_" + version + "/"
}

// StaticKey returns the S3 key of a static asset: StaticPrefix followed by
// name with every space replaced by '-'. name may contain sub-folders
// ("img/logo.png").
func StaticKey(appID, version, name string) string {
	return StaticPrefix(appID, version) + strings.ReplaceAll(name, " ", "-")
}

// Defaults for the AWS resources appsctl creates and the plugin uses.
const (
	DefaultBucket = "mattermost-apps-bucket"
	DefaultRegion = "us-east-1"

	DefaultUserName        = "mattermost-apps-invoke"
	DefaultGroupName       = "mattermost-apps-invoke-group"
	DefaultPolicyName      = "mattermost-apps-invoke-policy"
	DefaultExecuteRoleName = "mattermost-apps-execute-lambda-role"

	// LambdaBasicExecutionPolicyARN is the AWS managed policy attached to
	// the execution role.
	LambdaBasicExecutionPolicyARN = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
)

// Resources names the AWS resources of one installation. Empty fields get
// the defaults from WithDefaults.
type Resources struct {
	Region          string
	Bucket          string
	UserName        string
	GroupName       string
	PolicyName      string
	ExecuteRoleName string
}

// WithDefaults fills every empty name with its default.
func (r Resources) WithDefaults() Resources {
	for _, f := range []struct {
		field *string
		def   string
	}{
		{&r.Region, DefaultRegion}, {&r.Bucket, DefaultBucket}, {&r.UserName, DefaultUserName},
		{&r.GroupName, DefaultGroupName}, {&r.PolicyName, DefaultPolicyName}, {&r.ExecuteRoleName, DefaultExecuteRoleName},
	} {
		if *f.field == "" {
			*f.field = f.def
		}
	}
	return r
}
