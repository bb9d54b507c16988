package awsnames

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	serviceNowID      = "com.mattermost.servicenow"
	serviceNowVersion = "0.1.0"
	longFunctionName  = "function-with-very-very-very-very-very-very-very-long-name"
	// Computed by hand: printf '%s' "com-mattermost-servicenow_0-1-0_function-with-very-very-very-very-very-very-very-long-name" | sha256sum
	// = 95f51579baba92ea2a0a3ad98c24fcbc6abc581c189e497924cc5809be6ef49b, cut to 64-32 = 32 characters.
	longLambdaName = "com-mattermost-servicenow_0-1-0_95f51579baba92ea2a0a3ad98c24fcbc"
)

func TestLambdaName(t *testing.T) {
	tests := []struct {
		appID, version, function string
		want                     string
	}{
		// The naming examples of the Apps framework and every function of the legacy ServiceNow bundle.
		{serviceNowID, serviceNowVersion, "function1", "com-mattermost-servicenow_0-1-0_function1"},
		{serviceNowID, serviceNowVersion, "function2", "com-mattermost-servicenow_0-1-0_function2"},
		{serviceNowID, serviceNowVersion, "function with spaces", "com-mattermost-servicenow_0-1-0_function-with-spaces"},
		{serviceNowID, serviceNowVersion, longFunctionName, longLambdaName},
		{"hello-serverless", "v1.2.0", "hello-serverless", "hello-serverless_v1-2-0_hello-serverless"},
		{"testID", "v00.00.000", "main", "testID_v00-00-000_main"},
		{"app", "", "fn", "app__fn"},
		{"app_x", "v1_0", "fn_y", "app_x_v1_0_fn_y"},
		// Exactly 64 characters is kept as is.
		{"a", "b", strings.Repeat("c", 60), "a_b_" + strings.Repeat("c", 60)},
	}
	for _, tt := range tests {
		t.Run(tt.function, func(t *testing.T) {
			got, err := LambdaName(tt.appID, tt.version, tt.function)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.LessOrEqual(t, len(got), MaxLambdaNameLength)
			assert.NotContains(t, got, ".")
			assert.NotContains(t, got, " ")
		})
	}
}

func TestLambdaNameLongIsHashed(t *testing.T) {
	got, err := LambdaName(serviceNowID, serviceNowVersion, longFunctionName)
	require.NoError(t, err)

	// Cross-check the hard-coded value by computing it independently.
	full := "com-mattermost-servicenow_0-1-0_" + longFunctionName
	require.Len(t, full, 90)
	sum := sha256.Sum256([]byte(full))
	prefix := "com-mattermost-servicenow_0-1-0_"
	want := prefix + hex.EncodeToString(sum[:])[:64-len(prefix)]
	assert.Equal(t, want, got)
	assert.Equal(t, longLambdaName, got)
	assert.Len(t, got, 64)
	assert.NotContains(t, got, ".", "the old plugin kept dots here, which AWS rejects")

	// 65 characters gets hashed too.
	got, err = LambdaName("a", "b", strings.Repeat("c", 61))
	require.NoError(t, err)
	assert.Len(t, got, 64)
	assert.True(t, strings.HasPrefix(got, "a_b_"))
	assert.NotEqual(t, "a_b_"+strings.Repeat("c", 60), got)
}

func TestLambdaNameErrors(t *testing.T) {
	tests := []struct {
		appID, version, function string
		wantErr                  string
	}{
		{"", "1", "fn", "app ID is empty"},
		{"app", "1", "", "function name is empty"},
		{"app", "1", "fn.js", `function name "fn.js" has character '.'`},
		{"app", "1", "fn/x", `function name "fn/x" has character '/'`},
		{"app+x", "1", "fn", `app ID "app+x" has character '+'`},
		{"app", "1+2", "fn", `version "1+2" has character '+'`},
		{"app", "1", "fün", "function name"},
		{strings.Repeat("a", 40), strings.Repeat("1", 10), strings.Repeat("f", 20), "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.wantErr, func(t *testing.T) {
			_, err := LambdaName(tt.appID, tt.version, tt.function)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestS3Keys(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"manifest", ManifestKey(serviceNowID, serviceNowVersion), "manifests/com.mattermost.servicenow_0.1.0.json"},
		{"manifest with underscores", ManifestKey("my_app", "v00_00_000"), "manifests/my_app_v00_00_000.json"},
		{"static prefix", StaticPrefix(serviceNowID, serviceNowVersion), "static/com.mattermost.servicenow_0.1.0_app/"},
		{"static", StaticKey(serviceNowID, serviceNowVersion, "photo.png"), "static/com.mattermost.servicenow_0.1.0_app/photo.png"},
		{"static with spaces", StaticKey(serviceNowID, serviceNowVersion, "static file with spaces.txt"),
			"static/com.mattermost.servicenow_0.1.0_app/static-file-with-spaces.txt"},
		{"static nested", StaticKey("hello-serverless", "v1.2.0", "img/my logo.png"), "static/hello-serverless_v1.2.0_app/img/my-logo.png"},
		{"test key", StaticKey("hello-serverless", "v1.2.0", "test.txt"), "static/hello-serverless_v1.2.0_app/test.txt"},
		{"function code prefix", FunctionCodePrefix("big.app", "1.0"), "functions/big.app_1.0/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.got)
		})
	}
	assert.True(t, strings.HasPrefix(ManifestKey("a", "b"), ManifestPrefix))
	assert.True(t, strings.HasPrefix(StaticPrefix("a", "b"), StaticRootPrefix))
	assert.True(t, strings.HasPrefix(FunctionCodePrefix("a", "b"), FunctionCodeRootPrefix))
}

func TestIAMDefaults(t *testing.T) {
	assert.Equal(t, "mattermost-apps-invoke", DefaultUserName)
	assert.Equal(t, "mattermost-apps-invoke-group", DefaultGroupName)
	assert.Equal(t, "mattermost-apps-invoke-policy", DefaultPolicyName)
	assert.Equal(t, "mattermost-apps-execute-lambda-role", DefaultExecuteRoleName)
	assert.Equal(t, "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", LambdaBasicExecutionPolicyARN)
	assert.Equal(t, "mattermost-apps-bucket", DefaultBucket)
}

func TestResourcesWithDefaults(t *testing.T) {
	r := Resources{Bucket: "mine", PolicyName: "p"}.WithDefaults()
	assert.Equal(t, Resources{Region: "us-east-1", Bucket: "mine", UserName: "mattermost-apps-invoke", GroupName: "mattermost-apps-invoke-group",
		PolicyName: "p", ExecuteRoleName: "mattermost-apps-execute-lambda-role"}, r)
}
