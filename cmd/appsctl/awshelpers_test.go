package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/appsctl/awsaccount"
	"github.com/lambda-apps/lambda-apps/appsctl/invokepolicy"
	"github.com/lambda-apps/lambda-apps/aws/awsclient"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/internal/testaws"
)

// awsEnv is appsctl's environment for moto in region.
func awsEnv(m *testaws.Moto, region string) map[string]string {
	return merge(m.Env(), map[string]string{
		"MM_APPS_AWS_REGION":            region,
		"MM_APPS_S3_BUCKET":             testBucket,
		"MM_APPS_DEPLOY_AWS_ACCESS_KEY": testaws.Credentials.AccessKeyID,
		"MM_APPS_DEPLOY_AWS_SECRET_KEY": testaws.Credentials.SecretAccessKey,
		"MM_APPS_AWS_ACCESS_KEY":        invokeKeyID,
		"MM_APPS_AWS_SECRET_KEY":        invokeKeySK,
	})
}

// checker reads moto's state through the AWS APIs.
type checker struct {
	t      *testing.T
	ctx    context.Context
	iam    *iam.Client
	s3     *s3.Client
	lambda *lambda.Client
}

func newChecker(t *testing.T, m *testaws.Moto, region string) *checker {
	c := awsclient.New(awsclient.Options{Region: region, Credentials: testaws.Credentials, Endpoints: m.Endpoints()})
	return &checker{t: t, ctx: context.Background(), iam: c.IAM(), s3: c.S3(), lambda: c.Lambda()}
}

// exists reports whether a call found its resource; other errors fail.
func (c *checker) exists(err error) bool {
	c.t.Helper()
	if err != nil {
		require.True(c.t, awsaccount.IsNotFound(err), "unexpected error: %v", err)
		return false
	}
	return true
}

func (c *checker) bucketExists() bool {
	_, err := c.s3.HeadBucket(c.ctx, &s3.HeadBucketInput{Bucket: aws.String(testBucket)})
	return c.exists(err)
}

func (c *checker) userExists() bool {
	_, err := c.iam.GetUser(c.ctx, &iam.GetUserInput{UserName: aws.String(awsnames.DefaultUserName)})
	return c.exists(err)
}

func (c *checker) groupExists() bool {
	_, err := c.iam.GetGroup(c.ctx, &iam.GetGroupInput{GroupName: aws.String(awsnames.DefaultGroupName)})
	return c.exists(err)
}

func (c *checker) policyExists() bool {
	_, err := c.iam.GetPolicy(c.ctx, &iam.GetPolicyInput{PolicyArn: aws.String(policyARN)})
	return c.exists(err)
}

func (c *checker) roleExists() bool {
	_, err := c.iam.GetRole(c.ctx, &iam.GetRoleInput{RoleName: aws.String(awsnames.DefaultExecuteRoleName)})
	return c.exists(err)
}

func (c *checker) function(name string) *lambda.GetFunctionOutput {
	out, err := c.lambda.GetFunction(c.ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
	if !c.exists(err) {
		return nil
	}
	return out
}

func (c *checker) policy() *invokepolicy.Current {
	c.t.Helper()
	cur, err := invokepolicy.Load(c.ctx, c.iam, policyARN)
	require.NoError(c.t, err)
	return cur
}

func (c *checker) keys(prefix string) []string {
	c.t.Helper()
	out, err := c.s3.ListObjectsV2(c.ctx, &s3.ListObjectsV2Input{Bucket: aws.String(testBucket), Prefix: aws.String(prefix)})
	require.NoError(c.t, err)
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	return keys
}

func (c *checker) object(key string) (string, []byte) {
	c.t.Helper()
	out, err := c.s3.GetObject(c.ctx, &s3.GetObjectInput{Bucket: aws.String(testBucket), Key: aws.String(key)})
	require.NoError(c.t, err, key)
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	require.NoError(c.t, err)
	return aws.ToString(out.ContentType), data
}

// iamState is what init manages, for comparing runs.
type iamState struct {
	PolicyVersion  string
	PolicyVersions int
	AccessKeys     int
	UserGroups     []string
	GroupPolicies  []string
	RolePolicies   []string
	RoleTrust      string
}

func (c *checker) iamState() iamState {
	c.t.Helper()
	var st iamState
	pol, err := c.iam.GetPolicy(c.ctx, &iam.GetPolicyInput{PolicyArn: aws.String(policyARN)})
	require.NoError(c.t, err)
	st.PolicyVersion = aws.ToString(pol.Policy.DefaultVersionId)
	versions, err := c.iam.ListPolicyVersions(c.ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(policyARN)})
	require.NoError(c.t, err)
	st.PolicyVersions = len(versions.Versions)
	keys, err := c.iam.ListAccessKeys(c.ctx, &iam.ListAccessKeysInput{UserName: aws.String(awsnames.DefaultUserName)})
	require.NoError(c.t, err)
	st.AccessKeys = len(keys.AccessKeyMetadata)
	groups, err := c.iam.ListGroupsForUser(c.ctx, &iam.ListGroupsForUserInput{UserName: aws.String(awsnames.DefaultUserName)})
	require.NoError(c.t, err)
	for _, g := range groups.Groups {
		st.UserGroups = append(st.UserGroups, aws.ToString(g.GroupName))
	}
	gp, err := c.iam.ListAttachedGroupPolicies(c.ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String(awsnames.DefaultGroupName)})
	require.NoError(c.t, err)
	for _, p := range gp.AttachedPolicies {
		st.GroupPolicies = append(st.GroupPolicies, aws.ToString(p.PolicyArn))
	}
	rp, err := c.iam.ListAttachedRolePolicies(c.ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(awsnames.DefaultExecuteRoleName)})
	require.NoError(c.t, err)
	for _, p := range rp.AttachedPolicies {
		st.RolePolicies = append(st.RolePolicies, aws.ToString(p.PolicyArn))
	}
	role, err := c.iam.GetRole(c.ctx, &iam.GetRoleInput{RoleName: aws.String(awsnames.DefaultExecuteRoleName)})
	require.NoError(c.t, err)
	st.RoleTrust = aws.ToString(role.Role.AssumeRolePolicyDocument)
	return st
}

// fakeMattermost stands in for the plugin's /refresh and /install-app.
type fakeMattermost struct {
	mu       sync.Mutex
	requests []string // "METHOD PATH AUTH BODY"
	status   map[string]int
}

func (f *fakeMattermost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, strings.Join([]string{r.Method, r.URL.Path, r.Header.Get("Authorization"), string(body)}, " "))
	status := f.status[r.URL.Path]
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if status >= 300 {
		_, _ = io.WriteString(w, `{"error":"app com.mattermost.servicenow cannot be installed: ping failed"}`)
		return
	}
	_, _ = io.WriteString(w, `{"ok":true}`)
}

// take returns the recorded requests and forgets them.
func (f *fakeMattermost) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.requests
	f.requests = nil
	return r
}

// fail makes path answer with status.
func (f *fakeMattermost) fail(path string, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status = map[string]int{path: status}
}

// modifiedBundle is the legacy bundle with function1's handler and code
// changed.
func modifiedBundle(t *testing.T) (string, []byte) {
	entries := readBundle(t, legacyBundle)
	var manifest map[string]any
	require.NoError(t, json.Unmarshal(entries["manifest.json"], &manifest))
	fns := manifest["aws_lambda"].(map[string]any)["functions"].([]any)
	fns[0].(map[string]any)["handler"] = "new-handler"
	data, err := json.MarshalIndent(manifest, "", "  ")
	require.NoError(t, err)
	entries["manifest.json"] = data
	entries["function1.zip"] = innerZip(t, "bootstrap", "version 2")
	return writeBundle(t, entries), data
}
