package deploy

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambda-apps/lambda-apps/appsctl/applist"
	"github.com/lambda-apps/lambda-apps/appsctl/awsaccount"
	"github.com/lambda-apps/lambda-apps/appsctl/bundle"
	"github.com/lambda-apps/lambda-apps/appsctl/invokepolicy"
	"github.com/lambda-apps/lambda-apps/appsctl/report"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
)

// FunctionResult is a deployed Lambda function.
type FunctionResult struct {
	// Name is the manifest function name.
	Name       string
	LambdaName string
	ARN        string
	// Action is "created" or "updated".
	Action string
	// Handler, Runtime and Architecture are what the function was deployed
	// with: a go1.x function migrated by deploy reports "bootstrap",
	// "provided.al2023" and its binary's architecture.
	Handler      string
	Runtime      string
	Architecture string
	CodeSha256   string
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
		res, err := d.deployFunction(ctx, fp)
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

// deployFunction creates or updates one function.
func (d *deployer) deployFunction(ctx context.Context, fp *bundle.FunctionPackage) (FunctionResult, error) {
	t, cleanup, err := d.target(fp)
	if err != nil {
		return FunctionResult{}, err
	}
	defer cleanup()
	c, err := d.functionCode(ctx, fp, t)
	if err != nil {
		return FunctionResult{}, err
	}
	if _, ok := d.existing[fp.LambdaName]; ok {
		return d.updateFunction(ctx, fp, c, t)
	}
	return d.createFunction(ctx, fp, c, t)
}

// functionCode reads the package to deploy (the bundle's, or the migrated
// one), or uploads it to the bucket when it is too large to send to
// Lambda directly.
func (d *deployer) functionCode(ctx context.Context, fp *bundle.FunctionPackage, t target) (code, error) {
	size, ext, what, open := fp.Size, path.Ext(fp.Entry), "package", fp.Open
	if t.migrated != "" {
		size, ext, what = t.size, ".zip", "migrated package"
		open = func() (io.ReadCloser, error) { return os.Open(t.migrated) }
	}
	if size <= bundle.MaxDirectUploadSize {
		data, err := readAll(open)
		if err != nil {
			return code{}, fmt.Errorf("function %q: read the %s: %w", fp.Function.Name, what, err)
		}
		return code{zip: data}, nil
	}
	key := awsnames.FunctionCodePrefix(d.r.AppID, d.r.Version) + fp.LambdaName + ext
	rc, err := open()
	if err != nil {
		return code{}, fmt.Errorf("function %q: %w", fp.Function.Name, err)
	}
	defer func() { _ = rc.Close() }()
	d.p.Infof("Uploading the %s %s of function %q to s3://%s/%s", report.FormatBytes(size), what, fp.Function.Name, d.o.Bucket, key)
	progress := d.p.Progress("function package", 1, size)
	err = d.upload(ctx, d.uploader(), key, progress.Reader(rc), "application/zip")
	progress.FileDone(path.Base(key), size, err)
	progress.Finish()
	if err != nil {
		return code{}, fmt.Errorf("function %q: %w", fp.Function.Name, err)
	}
	return code{s3Key: key}, nil
}

// readAll returns the bytes of what open opens.
func readAll(open func() (io.ReadCloser, error)) ([]byte, error) {
	rc, err := open()
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(rc)
	if cerr := rc.Close(); err == nil {
		err = cerr
	}
	return data, err
}

func (d *deployer) environment() *types.Environment {
	if d.o.Env == nil {
		return nil
	}
	return &types.Environment{Variables: d.o.Env}
}

func (d *deployer) createFunction(ctx context.Context, fp *bundle.FunctionPackage, c code, t target) (FunctionResult, error) {
	fn := fp.Function
	in := &lambda.CreateFunctionInput{
		FunctionName:  aws.String(fp.LambdaName),
		Description:   aws.String(applist.FunctionDescription(d.r.AppID, d.r.Version, fn.Name)),
		Runtime:       types.Runtime(t.runtime),
		Handler:       aws.String(t.handler),
		Role:          aws.String(d.r.RoleARN),
		Timeout:       aws.Int32(d.o.Timeout),
		MemorySize:    aws.Int32(d.o.Memory),
		Architectures: []types.Architecture{types.Architecture(t.arch)},
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
	return functionResult(fp, "created", c, t, out.Configuration), nil
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

func functionResult(fp *bundle.FunctionPackage, action string, c code, t target, cfg *types.FunctionConfiguration) FunctionResult {
	res := FunctionResult{
		Name: fp.Function.Name, LambdaName: fp.LambdaName, Action: action,
		Handler: t.handler, Runtime: t.runtime, Architecture: t.arch, CodeS3Key: c.s3Key,
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
	return awsaccount.Code(err) == "InvalidParameterValueException" &&
		strings.Contains(awsaccount.Message(err), "cannot be assumed")
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
