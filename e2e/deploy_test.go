//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"os"
	"path"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/aws/awsclient"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/aws/bundle"
)

const helloBundle = "../dist/examples/hello-lambda-0.1.0-bundle.zip"

func deployClients(t testing.TB) *awsclient.Clients {
	t.Helper()
	return awsclient.New(awsclient.Options{
		Region: os.Getenv("MM_APPS_AWS_REGION"),
		Credentials: awsclient.Credentials{
			AccessKeyID: mustEnv(t, "MM_APPS_DEPLOY_AWS_ACCESS_KEY"), SecretAccessKey: mustEnv(t, "MM_APPS_DEPLOY_AWS_SECRET_KEY"),
		},
		Endpoints: awsclient.EndpointsFromEnv(os.Getenv),
	})
}

// deploySDK puts a bundle into the stack's AWS stand-ins the way a deploy
// does: static assets, functions (run by lambda-local), manifest last.
func deploySDK(t testing.TB, bundlePath string) *bundle.Bundle {
	t.Helper()
	ctx := context.Background()
	b, err := bundle.Open(bundlePath)
	require.NoError(t, err, "build the example bundle with `make bundle-example`")
	t.Cleanup(func() { b.Close() })
	clients := deployClients(t)
	bucket := mustEnv(t, "MM_APPS_S3_BUCKET")
	s3c, lc, iamc := clients.S3(), clients.Lambda(), clients.IAM()
	m := b.Manifest()

	for _, a := range b.StaticAssets() {
		data := readAll(t, a.Open)
		_, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(a.Key), Body: bytes.NewReader(data),
			ContentType: aws.String(mime.TypeByExtension(path.Ext(a.Name)))})
		require.NoError(t, err)
	}
	role, err := iamc.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(awsnames.DefaultExecuteRoleName)})
	if err != nil {
		created, cerr := iamc.CreateRole(ctx, &iam.CreateRoleInput{
			RoleName:                 aws.String(awsnames.DefaultExecuteRoleName),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
		})
		require.NoError(t, cerr)
		role = &iam.GetRoleOutput{Role: created.Role}
	}
	for _, fn := range b.Functions() {
		code := readAll(t, fn.Open)
		_, err := lc.CreateFunction(ctx, &lambda.CreateFunctionInput{
			FunctionName: aws.String(fn.LambdaName), Role: role.Role.Arn,
			Handler: aws.String(fn.Function.Handler), Runtime: ltypes.Runtime(fn.Function.Runtime),
			Code: &ltypes.FunctionCode{ZipFile: code}, Timeout: aws.Int32(5),
		})
		var conflict *ltypes.ResourceConflictException
		if errors.As(err, &conflict) {
			_, err = lc.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String(fn.LambdaName), ZipFile: code})
		}
		require.NoError(t, err)
	}
	_, err = s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(awsnames.ManifestKey(string(m.AppID), string(m.Version))),
		Body: bytes.NewReader(b.ManifestJSON()), ContentType: aws.String("application/json")})
	require.NoError(t, err)
	return b
}

func readAll(t testing.TB, open func() (io.ReadCloser, error)) []byte {
	t.Helper()
	rc, err := open()
	require.NoError(t, err)
	defer rc.Close()
	data, err := io.ReadAll(rc)
	require.NoError(t, err)
	return data
}
