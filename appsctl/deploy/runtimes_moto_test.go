package deploy

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/appsctl/awsinit"
	"github.com/lambda-apps/lambda-apps/appsctl/report"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/internal/testaws"
)

// TestDeployMigratesNodeRuntimeMoto deploys a nodejs16.x function to moto
// after AWS blocked nodejs16.x: it is created on nodejs22.x, then updated
// on it; with --keep-runtime it is kept.
func TestDeployMigratesNodeRuntimeMoto(t *testing.T) {
	withMigration(t)
	m := testaws.StartMoto(t)
	c := m.Clients()
	ctx := context.Background()
	const bucket = "node-runtime-test-bucket"
	_, err := awsinit.Run(ctx, awsinit.Clients{IAM: c.IAM(), S3: c.S3(), STS: c.STS()},
		awsinit.Options{Resources: awsnames.Resources{Region: testaws.Region, Bucket: bucket}, Create: true}, nil)
	require.NoError(t, err)
	clients := Clients{Lambda: c.Lambda(), S3: c.S3(), IAM: c.IAM(), STS: c.STS()}
	path := nodeBundle(t)
	runtimeOf := func(name string) string {
		out, err := c.Lambda().GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
		require.NoError(t, err)
		assert.Equal(t, "index.handler", aws.ToString(out.Configuration.Handler), "the handler is kept")
		return string(out.Configuration.Runtime)
	}
	deploy := func(update, keep bool) (*Result, string) {
		var out bytes.Buffer
		res, err := Run(ctx, clients, Options{BundlePath: path, Region: testaws.Region, Bucket: bucket, Update: update,
			KeepRuntime: keep, Now: at("2027-02-15")}, report.New(&out, &out, report.Options{}))
		require.NoError(t, err, out.String())
		return res, out.String()
	}
	const lambdaName = "node-app_1-0-0_node"

	res, out := deploy(false, false)
	assert.Contains(t, out, `function "node": runtime nodejs16.x is no longer accepted by AWS Lambda`)
	assert.Contains(t, out, "deploying it on nodejs22.x")
	assert.Contains(t, out, "created function "+lambdaName+" (nodejs22.x, handler index.handler)")
	assert.Equal(t, "nodejs22.x", runtimeOf(lambdaName))
	for _, f := range res.Functions {
		if f.Name == "node" {
			assert.Equal(t, "nodejs22.x", f.Runtime)
		}
	}

	_, out = deploy(true, true)
	assert.Contains(t, out, "--keep-runtime: it is deployed as nodejs16.x")
	assert.Equal(t, "nodejs16.x", runtimeOf(lambdaName))

	_, out = deploy(true, false)
	assert.Contains(t, out, "runs on nodejs16.x, whose code AWS Lambda no longer updates: switching it to nodejs22.x before replacing its code")
	assert.Equal(t, "nodejs22.x", runtimeOf(lambdaName))
}
