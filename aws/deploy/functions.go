package deploy

import (
	"context"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambda-apps/lambda-apps/aws/awserr"
	"github.com/lambda-apps/lambda-apps/aws/bundle"
	"github.com/lambda-apps/lambda-apps/aws/invokepolicy"
	"github.com/lambda-apps/lambda-apps/aws/report"
)

// FunctionCodePrefix is where function packages too large for a direct
// upload are put in the bucket: "functions/{appID}_{version}/".
const FunctionCodePrefix = "functions/"

// FunctionCodeKeyPrefix returns the S3 prefix of an app version's large
// function packages.
func FunctionCodeKeyPrefix(appID, version string) string {
	return FunctionCodePrefix + appID + "_" + version + "/"
}

// FunctionResult is a deployed Lambda function.
type FunctionResult struct {
	// Name is the manifest function name.
	Name       string
	LambdaName string
	ARN        string
	// Action is "created" or "updated".
	Action     string
	Handler    string
	Runtime    string
	CodeSha256 string
	// CodeS3Key is set when the package went through the bucket.
	CodeS3Key string
}

// code is a function package ready for Lambda: bytes, or an S3 object.
type code struct {
	zip   []byte
	s3Key string
}

// roleRetryFor bounds retries while a new execution role propagates in IAM.
const roleRetryFor = 90 * time.Second

func (d *deployer) deployFunctions(ctx context.Context) error {
	for _, fp := range d.b.Functions() {
		c, err := d.functionCode(ctx, fp)
		if err != nil {
			return err
		}
		var res FunctionResult
		if d.existing[fp.LambdaName] {
			res, err = d.updateFunction(ctx, fp, c)
		} else {
			res, err = d.createFunction(ctx, fp, c)
		}
		if err != nil {
			return err
		}
		if res.ARN == "" {
			res.ARN = d.acct.FunctionARN(d.o.Region, fp.LambdaName)
		}
		d.r.Functions = append(d.r.Functions, res)
		d.p.Infof("  %s function %s (%s, handler %s)", res.Action, res.LambdaName, res.Runtime, res.Handler)
	}
	return nil
}

// functionCode reads a package, or uploads it to the bucket when it is too
// large to send to Lambda directly.
func (d *deployer) functionCode(ctx context.Context, fp *bundle.FunctionPackage) (code, error) {
	if fp.Size <= bundle.MaxDirectUploadSize {
		data, err := fp.ReadAll()
		if err != nil {
			return code{}, fmt.Errorf("function %q: %w", fp.Function.Name, err)
		}
		return code{zip: data}, nil
	}
	key := FunctionCodeKeyPrefix(d.r.AppID, d.r.Version) + fp.LambdaName + path.Ext(fp.Entry)
	rc, err := fp.Open()
	if err != nil {
		return code{}, fmt.Errorf("function %q: %w", fp.Function.Name, err)
	}
	defer func() { _ = rc.Close() }()
	d.p.Infof("Uploading the %s package of function %q to s3://%s/%s", report.FormatBytes(fp.Size), fp.Function.Name, d.o.Bucket, key)
	progress := d.p.Progress("function package", 1, fp.Size)
	err = d.upload(ctx, d.uploader(), key, progress.Reader(rc), "application/zip")
	progress.FileDone(path.Base(key), fp.Size, err)
	progress.Finish()
	if err != nil {
		return code{}, fmt.Errorf("function %q: %w", fp.Function.Name, err)
	}
	return code{s3Key: key}, nil
}

func (d *deployer) environment() *types.Environment {
	if d.o.Env == nil {
		return nil
	}
	return &types.Environment{Variables: d.o.Env}
}

func (d *deployer) createFunction(ctx context.Context, fp *bundle.FunctionPackage, c code) (FunctionResult, error) {
	fn := fp.Function
	in := &lambda.CreateFunctionInput{
		FunctionName:  aws.String(fp.LambdaName),
		Description:   aws.String(fmt.Sprintf("Mattermost app %s %s, function %s", d.r.AppID, d.r.Version, fn.Name)),
		Runtime:       types.Runtime(fn.Runtime),
		Handler:       aws.String(fn.Handler),
		Role:          aws.String(d.r.RoleARN),
		Timeout:       aws.Int32(d.o.Timeout),
		MemorySize:    aws.Int32(d.o.Memory),
		Architectures: []types.Architecture{types.Architecture(d.o.Architecture)},
		PackageType:   types.PackageTypeZip,
		Environment:   d.environment(),
		Code:          &types.FunctionCode{ZipFile: c.zip},
	}
	if c.s3Key != "" {
		in.Code = &types.FunctionCode{S3Bucket: aws.String(d.o.Bucket), S3Key: aws.String(c.s3Key)}
	}
	deadline := time.Now().Add(roleRetryFor)
	for delay := 2 * time.Second; ; delay *= 2 {
		_, err := d.c.Lambda.CreateFunction(ctx, in)
		if err == nil {
			break
		}
		if !isRoleNotReady(err) || time.Now().Add(delay).After(deadline) {
			return FunctionResult{}, fmt.Errorf("create Lambda function %s: %w", fp.LambdaName, err)
		}
		d.p.Infof("  waiting for IAM role %s to become usable by Lambda...", d.o.ExecuteRoleName)
		if err := sleep(ctx, delay); err != nil {
			return FunctionResult{}, err
		}
	}
	out, err := lambda.NewFunctionActiveV2Waiter(d.c.Lambda).WaitForOutput(ctx,
		&lambda.GetFunctionInput{FunctionName: aws.String(fp.LambdaName)}, d.o.WaitTimeout)
	if err != nil {
		return FunctionResult{}, d.waitError(ctx, fp.LambdaName, "become Active", err)
	}
	return functionResult(fp, "created", c, out.Configuration), nil
}

func (d *deployer) updateFunction(ctx context.Context, fp *bundle.FunctionPackage, c code) (FunctionResult, error) {
	fn := fp.Function
	name := aws.String(fp.LambdaName)
	codeIn := &lambda.UpdateFunctionCodeInput{
		FunctionName:  name,
		Architectures: []types.Architecture{types.Architecture(d.o.Architecture)},
		ZipFile:       c.zip,
	}
	if c.s3Key != "" {
		codeIn.ZipFile, codeIn.S3Bucket, codeIn.S3Key = nil, aws.String(d.o.Bucket), aws.String(c.s3Key)
	}
	err := d.retryOnConflict(ctx, fp.LambdaName, func() error {
		_, err := d.c.Lambda.UpdateFunctionCode(ctx, codeIn)
		return err
	})
	if err != nil {
		return FunctionResult{}, fmt.Errorf("update the code of Lambda function %s: %w", fp.LambdaName, err)
	}
	if err := d.waitUpdated(ctx, fp.LambdaName); err != nil {
		return FunctionResult{}, err
	}
	configIn := &lambda.UpdateFunctionConfigurationInput{
		FunctionName: name,
		Runtime:      types.Runtime(fn.Runtime),
		Handler:      aws.String(fn.Handler),
		Role:         aws.String(d.r.RoleARN),
		Timeout:      aws.Int32(d.o.Timeout),
		MemorySize:   aws.Int32(d.o.Memory),
		Environment:  d.environment(),
	}
	err = d.retryOnConflict(ctx, fp.LambdaName, func() error {
		_, err := d.c.Lambda.UpdateFunctionConfiguration(ctx, configIn)
		return err
	})
	if err != nil {
		return FunctionResult{}, fmt.Errorf("update the configuration of Lambda function %s: %w", fp.LambdaName, err)
	}
	out, err := lambda.NewFunctionUpdatedV2Waiter(d.c.Lambda).WaitForOutput(ctx, &lambda.GetFunctionInput{FunctionName: name}, d.o.WaitTimeout)
	if err != nil {
		return FunctionResult{}, d.waitError(ctx, fp.LambdaName, "finish the update", err)
	}
	return functionResult(fp, "updated", c, out.Configuration), nil
}

// retryOnConflict runs call and, if Lambda says another update is in
// progress, waits for it to finish and runs call once more.
func (d *deployer) retryOnConflict(ctx context.Context, name string, call func() error) error {
	err := call()
	if awserr.Code(err) != "ResourceConflictException" {
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

// waitError explains a failed wait with the function's state reasons.
func (d *deployer) waitError(ctx context.Context, name, what string, err error) error {
	out, gerr := d.c.Lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
	if gerr == nil && out.Configuration != nil {
		cfg := out.Configuration
		var reasons []string
		if r := aws.ToString(cfg.StateReason); r != "" {
			reasons = append(reasons, fmt.Sprintf("state %s: %s", cfg.State, r))
		}
		if r := aws.ToString(cfg.LastUpdateStatusReason); r != "" {
			reasons = append(reasons, fmt.Sprintf("last update %s: %s", cfg.LastUpdateStatus, r))
		}
		if len(reasons) > 0 {
			return fmt.Errorf("the Lambda function %s did not %s (%s): %w", name, what, strings.Join(reasons, "; "), err)
		}
	}
	return fmt.Errorf("the Lambda function %s did not %s within %s: %w", name, what, d.o.WaitTimeout, err)
}

func functionResult(fp *bundle.FunctionPackage, action string, c code, cfg *types.FunctionConfiguration) FunctionResult {
	res := FunctionResult{
		Name: fp.Function.Name, LambdaName: fp.LambdaName, Action: action,
		Handler: fp.Function.Handler, Runtime: fp.Function.Runtime, CodeS3Key: c.s3Key,
	}
	if cfg != nil {
		res.ARN = invokepolicy.UnqualifiedARN(aws.ToString(cfg.FunctionArn))
		res.CodeSha256 = aws.ToString(cfg.CodeSha256)
	}
	return res
}

// isRoleNotReady reports Lambda's refusal of an execution role that IAM
// has not propagated yet.
func isRoleNotReady(err error) bool {
	return awserr.Code(err) == "InvalidParameterValueException" &&
		strings.Contains(awserr.Message(err), "cannot be assumed")
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
