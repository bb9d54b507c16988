package lambdalocal

import (
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// passThroughEnv lists the variables of lambda-local's own environment that
// handler processes inherit: basic process settings, and the AWS credentials
// and endpoint overrides a handler needs to reach local AWS stand-ins (on AWS
// the execution role provides credentials). GOCOVERDIR lets coverage-built
// handlers write their profiles.
var passThroughEnv = []string{
	"PATH", "LANG", "TZ", "TMPDIR", "SSL_CERT_FILE", "SSL_CERT_DIR", "GOCOVERDIR",
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
}

// passThroughPrefixes lists prefixes of inherited variables.
var passThroughPrefixes = []string{"AWS_ENDPOINT_URL"}

// processEnv builds the environment of a handler process: inherited
// variables, then the function's configured variables, then the variables
// Lambda reserves, which a function cannot override.
func processEnv(cfg Config, dep *deployment, runtimeAPI string) []string {
	env := map[string]string{"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "en_US.UTF-8", "TZ": ":UTC"}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if inherited(k) {
			env[k] = v
		}
	}
	for k, v := range dep.cfg.Environment {
		env[k] = v
	}
	reserved := map[string]string{
		"AWS_LAMBDA_RUNTIME_API":          runtimeAPI,
		"AWS_LAMBDA_FUNCTION_NAME":        dep.name,
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(dep.cfg.MemorySize),
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/" + dep.name,
		"AWS_LAMBDA_LOG_STREAM_NAME":      "lambda-local/" + dep.revisionID,
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"AWS_REGION":                      cfg.Region,
		"AWS_DEFAULT_REGION":              cfg.Region,
		"AWS_EXECUTION_ENV":               "AWS_Lambda_" + dep.cfg.Runtime,
		"_HANDLER":                        dep.cfg.Handler,
		"LAMBDA_TASK_ROOT":                dep.code.dir,
		"LAMBDA_RUNTIME_DIR":              dep.code.dir,
	}
	for k, v := range reserved {
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// inherited reports whether a variable of lambda-local's environment is
// passed to handlers.
func inherited(name string) bool {
	if slices.Contains(passThroughEnv, name) {
		return true
	}
	for _, p := range passThroughPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
