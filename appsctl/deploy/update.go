package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambda-apps/lambda-apps/appsctl/awsaccount"
	"github.com/lambda-apps/lambda-apps/appsctl/bundle"
	"github.com/lambda-apps/lambda-apps/appsctl/runtimes"
)

// updateFunction replaces the code, then the configuration, of a
// function. A function that leaves a deprecated runtime (e.g. a go1.x
// function being migrated) is switched to its new runtime first: AWS Lambda
// no longer updates the code of functions on such runtimes.
func (d *deployer) updateFunction(ctx context.Context, fp *bundle.FunctionPackage, c code, t target) (FunctionResult, error) {
	steps := []func() error{
		func() error { return d.updateCode(ctx, fp, c, t) },
		func() error { return d.updateConfiguration(ctx, fp, t) },
	}
	current := d.existing[fp.LambdaName]
	if r, ok := runtimes.Lookup(current); ok && r.Deprecated(d.now) && current != t.runtime {
		d.p.Infof("  function %s runs on %s, whose code AWS Lambda no longer updates: switching it to %s before replacing its code",
			fp.LambdaName, current, t.runtime)
		steps[0], steps[1] = steps[1], steps[0]
	}
	if err := steps[0](); err != nil {
		return FunctionResult{}, err
	}
	if err := d.waitUpdated(ctx, fp.LambdaName); err != nil {
		return FunctionResult{}, err
	}
	if err := steps[1](); err != nil {
		return FunctionResult{}, err
	}
	out, err := lambda.NewFunctionUpdatedV2Waiter(d.c.Lambda).WaitForOutput(ctx,
		&lambda.GetFunctionInput{FunctionName: aws.String(fp.LambdaName)}, d.o.WaitTimeout)
	if err != nil {
		return FunctionResult{}, d.waitError(ctx, fp.LambdaName, "finish the update", err)
	}
	return functionResult(fp, "updated", c, t, out.Configuration), nil
}

// updateCode replaces a function's code and architecture.
func (d *deployer) updateCode(ctx context.Context, fp *bundle.FunctionPackage, c code, t target) error {
	in := &lambda.UpdateFunctionCodeInput{
		FunctionName:  aws.String(fp.LambdaName),
		Architectures: []types.Architecture{types.Architecture(t.arch)},
		ZipFile:       c.zip,
	}
	if c.s3Key != "" {
		in.ZipFile, in.S3Bucket, in.S3Key = nil, aws.String(d.o.Bucket), aws.String(c.s3Key)
	}
	err := d.retryOnConflict(ctx, fp.LambdaName, func() error {
		_, err := d.c.Lambda.UpdateFunctionCode(ctx, in)
		return err
	})
	if err != nil {
		return fmt.Errorf("update the code of Lambda function %s: %w", fp.LambdaName, err)
	}
	return nil
}

// updateConfiguration replaces a function's runtime, handler and settings.
func (d *deployer) updateConfiguration(ctx context.Context, fp *bundle.FunctionPackage, t target) error {
	in := &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String(fp.LambdaName),
		Runtime:      types.Runtime(t.runtime),
		Handler:      aws.String(t.handler),
		Role:         aws.String(d.r.RoleARN),
		Timeout:      aws.Int32(d.o.Timeout),
		MemorySize:   aws.Int32(d.o.Memory),
		Environment:  d.environment(),
	}
	err := d.retryOnConflict(ctx, fp.LambdaName, func() error {
		_, err := d.c.Lambda.UpdateFunctionConfiguration(ctx, in)
		return err
	})
	if err != nil {
		return fmt.Errorf("update the configuration of Lambda function %s: %w", fp.LambdaName, err)
	}
	return nil
}

// retryOnConflict runs call and, if Lambda says another update is in
// progress, waits for it to finish and runs call once more.
func (d *deployer) retryOnConflict(ctx context.Context, name string, call func() error) error {
	err := call()
	if awsaccount.Code(err) != "ResourceConflictException" {
		return err
	}
	d.p.Debugf("function %s is being updated; waiting", name)
	if werr := d.waitUpdated(ctx, name); werr != nil {
		return werr
	}
	return call()
}

func (d *deployer) waitUpdated(ctx context.Context, name string) error {
	err := lambda.NewFunctionUpdatedV2Waiter(d.c.Lambda).Wait(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)}, d.o.WaitTimeout)
	if err != nil {
		return d.waitError(ctx, name, "finish the update", err)
	}
	return nil
}
