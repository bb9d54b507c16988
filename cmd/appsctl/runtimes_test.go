package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/internal/testzip"
)

// nodeRuntimeBundle is a bundle with a nodejs14.x function, a runtime AWS
// Lambda blocked for creates and updates in 2024.
func nodeRuntimeBundle(t *testing.T) string {
	t.Helper()
	return writeBundle(t, map[string][]byte{
		"manifest.json": []byte(`{"app_id":"node.app","version":"1.0.0","display_name":"Node","homepage_url":"https://example.com",
			"aws_lambda":{"functions":[{"path":"/","name":"node","handler":"index.handler","runtime":"nodejs14.x"}]}}`),
		"node.zip": testzip.Files(t, map[string][]byte{"index.js": []byte("exports.handler = async () => ({})")}),
	})
}

const nodeRefused = `function "node": runtime nodejs14.x is no longer accepted by AWS Lambda ` +
	"(deprecated since Dec 4, 2023; new functions blocked since Jan 9, 2024; updates blocked since Feb 8, 2024)"

func TestValidateNodeRuntime(t *testing.T) {
	path := nodeRuntimeBundle(t)
	res := runCLI(t, nil, "aws", "validate", "--offline", path)
	require.Equal(t, exitOK, res.code)
	assert.Contains(t, res.errOut, nodeRefused)
	assert.Contains(t, res.errOut, "deploying it on "+migratedNode("nodejs14.x")+" (the oldest Node.js runtime AWS accepts; same handler) — re-test the app on it")

	res = runCLI(t, nil, "aws", "validate", "--offline", "--keep-runtime", path)
	require.Equal(t, exitOK, res.code)
	assert.Contains(t, res.errOut, nodeRefused)
	assert.Contains(t, res.errOut, "--keep-runtime: it is deployed as nodejs14.x, which AWS Lambda refuses to create or update")
}

func TestGenerateTerraformDataExplain(t *testing.T) {
	path := nodeRuntimeBundle(t)
	res := runCLI(t, nil, "generate-terraform-data", path)
	require.Equal(t, exitOK, res.code)
	assert.Empty(t, res.errOut, "without --explain, nothing but the JSON")

	res = runCLI(t, nil, "generate-terraform-data", "--explain", path)
	require.Equal(t, exitOK, res.code)
	var data struct {
		LambdaFunctions map[string]struct{ Runtime string } `json:"lambda_functions"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.out), &data), "stdout holds only the JSON")
	assert.Equal(t, "nodejs14.x", data.LambdaFunctions["node"].Runtime, "the data keeps the manifest's runtime")
	assert.Contains(t, res.errOut, "Warning: "+nodeRefused)
}

func TestGenerateTerraformDataExplainLegacy(t *testing.T) {
	res := runCLI(t, nil, "generate-terraform-data", "--explain", legacyBundle)
	require.Equal(t, exitOK, res.code)
	assert.Contains(t, res.errOut, `function "function1": appsctl aws deploy cannot migrate it and deploys it as go1.x`)
	assert.Contains(t, res.errOut, `function "function2": runtime nodejs14.x is no longer accepted by AWS Lambda`)
	assert.NotContains(t, res.out, "Warning")
}
