package lambdalocal

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/internal/testaws"
)

func TestMotoFallback(t *testing.T) {
	t.Parallel()
	motoURL := testaws.StartMoto(t).URL
	ts := startServer(t, Config{Fallback: motoURL})
	ctx := context.Background()
	creds := credentials.NewStaticCredentialsProvider("test", "test", "")
	viaLocal := ts.client(noRetries)
	viaMoto := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String(motoURL), Credentials: creds})

	iamClient := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(motoURL), Credentials: creds})
	role, err := iamClient.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String("mattermost-apps-execute-lambda-role"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
			`"Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
	})
	require.NoError(t, err)

	const name = "hello-lambda_0-1-0_hello"
	in := createInput(t, name, "v1")
	in.Role = role.Role.Arn
	created, err := viaLocal.CreateFunction(ctx, in)
	require.NoError(t, err, "CreateFunction through lambda-local")

	t.Run("moto has the function and lambda-local reports moto's ARN", func(t *testing.T) {
		fromMoto, err := viaMoto.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
		require.NoError(t, err)
		fromLocal, err := viaLocal.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
		require.NoError(t, err)
		motoARN := aws.ToString(fromMoto.Configuration.FunctionArn)
		assert.Equal(t, motoARN, aws.ToString(fromLocal.Configuration.FunctionArn))
		assert.Equal(t, motoARN, aws.ToString(created.FunctionArn))

		list, err := viaLocal.ListFunctions(ctx, &lambda.ListFunctionsInput{})
		require.NoError(t, err, "ListFunctions is proxied")
		require.Len(t, list.Functions, 1)
		assert.Equal(t, name, aws.ToString(list.Functions[0].FunctionName))
	})

	t.Run("invoke runs the real code", func(t *testing.T) {
		fromMoto, err := viaMoto.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
		require.NoError(t, err)
		res := invoke(t, viaLocal, name, map[string]string{"action": "echo"})
		require.Empty(t, res.FunctionError)
		assert.Equal(t, "v1", res.Response.CodeVersion)
		assert.Equal(t, aws.ToString(fromMoto.Configuration.FunctionArn), res.Response.FunctionARN)
		res = invoke(t, viaLocal, name, map[string]string{"action": "fail"})
		assert.Equal(t, "HandlerFailure", res.Error.ErrorType)
	})

	t.Run("code and configuration updates reach both", func(t *testing.T) {
		_, err := viaLocal.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String(name), ZipFile: handlerZip(t, "v2")})
		require.NoError(t, err)
		_, err = viaLocal.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
			FunctionName: aws.String(name),
			Environment:  &types.Environment{Variables: map[string]string{"TEST_STAGE": "updated"}},
		})
		require.NoError(t, err)
		res := invoke(t, viaLocal, name, map[string]string{})
		assert.Equal(t, "v2", res.Response.CodeVersion)
		assert.Equal(t, "updated", res.Response.Env["TEST_STAGE"])
		fromMoto, err := viaMoto.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(name)})
		require.NoError(t, err)
		assert.Equal(t, "updated", fromMoto.Environment.Variables["TEST_STAGE"])
	})

	t.Run("a role moto does not know is refused and nothing is registered", func(t *testing.T) {
		bad := createInput(t, "norole", "")
		bad.Code.ZipFile = tinyZip(t)
		bad.Role = aws.String("arn:aws:iam::123456789012:role/missing")
		_, err := viaLocal.CreateFunction(ctx, bad)
		require.Error(t, err)
		_, err = invokeErr(viaLocal, "norole", map[string]string{})
		var nf *types.ResourceNotFoundException
		require.ErrorAs(t, err, &nf)
	})

	t.Run("code from S3", func(t *testing.T) {
		s3Client := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(motoURL), Credentials: creds, UsePathStyle: true})
		_, err := s3Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("code")})
		require.NoError(t, err)
		_, err = s3Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("code"), Key: aws.String("fn.zip"), Body: bytes.NewReader(handlerZip(t, "from-s3"))})
		require.NoError(t, err)
		in := createInput(t, "froms3", "")
		in.Role = role.Role.Arn
		in.Code = &types.FunctionCode{S3Bucket: aws.String("code"), S3Key: aws.String("fn.zip")}
		_, err = viaLocal.CreateFunction(ctx, in)
		require.NoError(t, err)
		res := invoke(t, viaLocal, "froms3", map[string]string{})
		assert.Equal(t, "from-s3", res.Response.CodeVersion)
	})

	t.Run("functions known only locally still answer", func(t *testing.T) {
		ts.deploy(t, "localonly", "local", FunctionConfig{})
		got, err := viaLocal.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("localonly")})
		require.NoError(t, err)
		assert.Equal(t, "localonly", aws.ToString(got.Configuration.FunctionName))
		_, err = viaLocal.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("localonly")})
		require.NoError(t, err)
		assert.NotContains(t, ts.FunctionNames(), "localonly")
	})

	t.Run("other calls are proxied", func(t *testing.T) {
		versions, err := viaLocal.ListVersionsByFunction(ctx, &lambda.ListVersionsByFunctionInput{FunctionName: aws.String(name)})
		require.NoError(t, err, "ListVersionsByFunction answered by moto")
		require.NotEmpty(t, versions.Versions)
		assert.Equal(t, name, aws.ToString(versions.Versions[0].FunctionName))
	})

	t.Run("delete removes it from both", func(t *testing.T) {
		_, err := viaLocal.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String(name)})
		require.NoError(t, err)
		_, err = viaMoto.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
		var nf *types.ResourceNotFoundException
		require.ErrorAs(t, err, &nf)
		_, err = invokeErr(viaLocal, name, map[string]string{})
		require.ErrorAs(t, err, &nf)
	})
}
