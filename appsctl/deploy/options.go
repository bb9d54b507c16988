package deploy

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/lambda-apps/lambda-apps/aws/awsnames"
)

// Lambda limits and defaults for the function settings.
const (
	DefaultTimeout      = 30 // seconds
	MaxTimeout          = 900
	DefaultMemory       = 128 // MB
	MinMemory           = 128
	MaxMemory           = 10240
	DefaultArchitecture = "x86_64"
	// DefaultWaitTimeout bounds each wait for a function to become Active
	// or finish an update.
	DefaultWaitTimeout = 5 * time.Minute
)

// Architectures Lambda supports.
var Architectures = []string{"x86_64", "arm64"}

// Options configure a deploy.
type Options struct {
	// BundlePath is the bundle zip to deploy.
	BundlePath string
	Region     string
	Bucket     string
	// PolicyName is the invoke policy to add the function ARNs to.
	PolicyName string
	// ExecuteRoleName is the role the functions run as.
	ExecuteRoleName string
	// Update replaces the code and configuration of functions that exist;
	// without it an existing function is an error.
	Update bool
	// KeepRuntime deploys go1.x functions as go1.x instead of migrating
	// them to provided.al2023 (see package gomigrate), and functions on
	// runtimes AWS Lambda no longer accepts on those runtimes instead of
	// their successors (see package runtimes).
	KeepRuntime bool
	// Now is the time AWS Lambda's runtime calendar is read at; zero means
	// time.Now().
	Now time.Time
	// Env is the functions' environment. nil leaves an existing function's
	// environment as it is; a non-nil map (even empty) replaces it.
	Env map[string]string
	// Timeout is the functions' timeout in seconds (1–900).
	Timeout int32
	// Memory is the functions' memory in MB (128–10240).
	Memory int32
	// Architecture is "x86_64" or "arm64".
	Architecture string
	// WaitTimeout bounds each wait for a function to be ready.
	WaitTimeout time.Duration
	// UploadConcurrency is how many static assets upload at once.
	UploadConcurrency int
}

// withDefaults fills in unset options.
func (o Options) withDefaults() Options {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&o.Region, awsnames.DefaultRegion)
	def(&o.Bucket, awsnames.DefaultBucket)
	def(&o.PolicyName, awsnames.DefaultPolicyName)
	def(&o.ExecuteRoleName, awsnames.DefaultExecuteRoleName)
	def(&o.Architecture, DefaultArchitecture)
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Memory == 0 {
		o.Memory = DefaultMemory
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.WaitTimeout <= 0 {
		o.WaitTimeout = DefaultWaitTimeout
	}
	if o.UploadConcurrency <= 0 {
		o.UploadConcurrency = 4
	}
	return o
}

// Validate checks the function settings against Lambda's limits.
func (o Options) Validate() error {
	var errs []error
	if o.BundlePath == "" {
		errs = append(errs, errors.New("no bundle given"))
	}
	if o.Timeout < 1 || o.Timeout > MaxTimeout {
		errs = append(errs, fmt.Errorf("--timeout %d is out of range: Lambda allows 1 to %d seconds", o.Timeout, MaxTimeout))
	}
	if o.Memory < MinMemory || o.Memory > MaxMemory {
		errs = append(errs, fmt.Errorf("--memory %d is out of range: Lambda allows %d to %d MB", o.Memory, MinMemory, MaxMemory))
	}
	if o.Architecture != "x86_64" && o.Architecture != "arm64" {
		errs = append(errs, fmt.Errorf("--architecture %q is not supported: use %s", o.Architecture, strings.Join(Architectures, " or ")))
	}
	return errors.Join(errs...)
}

// envKey is the form Lambda accepts for environment variable names.
var envKey = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]*$`)

// reservedEnv are the variables Lambda sets itself and refuses.
var reservedEnv = map[string]bool{
	"_HANDLER": true, "_X_AMZN_TRACE_ID": true, "AWS_DEFAULT_REGION": true, "AWS_REGION": true,
	"AWS_EXECUTION_ENV": true, "AWS_LAMBDA_FUNCTION_NAME": true, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true,
	"AWS_LAMBDA_FUNCTION_VERSION": true, "AWS_LAMBDA_INITIALIZATION_TYPE": true, "AWS_LAMBDA_LOG_GROUP_NAME": true,
	"AWS_LAMBDA_LOG_STREAM_NAME": true, "AWS_ACCESS_KEY": true, "AWS_ACCESS_KEY_ID": true,
	"AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true, "AWS_LAMBDA_RUNTIME_API": true,
	"LAMBDA_TASK_ROOT": true, "LAMBDA_RUNTIME_DIR": true,
}

// ParseEnv parses --env values. Each value is one or more comma-separated
// KEY=VALUE pairs; a comma followed by text without '=' belongs to the
// previous value ("URLS=a,b" is one variable). The flag may be repeated.
// Names must be valid Lambda variable names, not reserved by Lambda, and
// given once.
func ParseEnv(values []string) (map[string]string, error) {
	env := map[string]string{}
	var errs []error
	for _, v := range values {
		for _, pair := range splitPairs(v) {
			key, value, ok := strings.Cut(pair, "=")
			key = strings.TrimSpace(key)
			switch {
			case !ok || key == "":
				errs = append(errs, fmt.Errorf("--env %q: expected KEY=VALUE", pair))
			case !envKey.MatchString(key):
				errs = append(errs, fmt.Errorf("--env %q: %q is not a valid Lambda variable name (a letter, then letters, digits and '_')", pair, key))
			case reservedEnv[key]:
				errs = append(errs, fmt.Errorf("--env %q: %s is reserved by Lambda", pair, key))
			default:
				if _, dup := env[key]; dup {
					errs = append(errs, fmt.Errorf("--env: %s is given more than once", key))
					continue
				}
				env[key] = value
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return env, nil
}

// splitPairs splits "A=1,B=x,y" into ["A=1", "B=x,y"].
func splitPairs(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, part := range strings.Split(s, ",") {
		key, _, hasEq := strings.Cut(part, "=")
		if len(out) > 0 && (!hasEq || !envKey.MatchString(strings.TrimSpace(key))) {
			out[len(out)-1] += "," + part
			continue
		}
		out = append(out, part)
	}
	return out
}
