package lambdalocal

import (
	"time"
)

// Lambda control plane JSON shapes (the subset lambda-local reads or writes).
// Field names are the API's, which is why the Go names need no tags.

// environment is the Environment member of requests and responses.
type environment struct {
	Variables map[string]string `json:"Variables"`
}

// functionCodeInput is the Code member of CreateFunction. ZipFile arrives
// base64-encoded, which encoding/json decodes into []byte.
type functionCodeInput struct {
	ZipFile         []byte `json:",omitempty"`
	S3Bucket        string `json:",omitempty"`
	S3Key           string `json:",omitempty"`
	S3ObjectVersion string `json:",omitempty"`
	ImageURI        string `json:"ImageUri,omitempty"`
}

// createFunctionInput is the body of CreateFunction.
type createFunctionInput struct {
	FunctionName  string
	Runtime       string
	Role          string
	Handler       string
	Description   string
	Timeout       int
	MemorySize    int
	Environment   *environment
	Architectures []string
	PackageType   string
	Code          functionCodeInput
}

// updateCodeInput is the body of UpdateFunctionCode.
type updateCodeInput struct {
	ZipFile         []byte
	S3Bucket        string
	S3Key           string
	S3ObjectVersion string
	ImageURI        string `json:"ImageUri"`
	Architectures   []string
	DryRun          bool
}

// updateConfigInput is the body of UpdateFunctionConfiguration, also the
// format of the optional <name>.json next to a zip in the functions folder.
// Pointers tell "not given" from "set to the zero value".
type updateConfigInput struct {
	Handler     *string
	Runtime     *string
	Role        *string
	Description *string
	Timeout     *int
	MemorySize  *int
	Environment *environment
}

// apply returns fc with the given fields changed.
func (u updateConfigInput) apply(fc FunctionConfig) FunctionConfig {
	if u.Handler != nil {
		fc.Handler = *u.Handler
	}
	if u.Runtime != nil {
		fc.Runtime = *u.Runtime
	}
	if u.Role != nil {
		fc.Role = *u.Role
	}
	if u.Description != nil {
		fc.Description = *u.Description
	}
	if u.Timeout != nil {
		fc.Timeout = *u.Timeout
	}
	if u.MemorySize != nil {
		fc.MemorySize = *u.MemorySize
	}
	if u.Environment != nil {
		fc.Environment = u.Environment.Variables
	}
	return fc
}

// concurrencyBody is the body of PutFunctionConcurrency and the answer of
// the concurrency calls.
type concurrencyBody struct {
	ReservedConcurrentExecutions *int `json:",omitempty"`
}

// functionConfiguration is the FunctionConfiguration response shape.
type functionConfiguration struct {
	FunctionName     string
	FunctionArn      string
	Runtime          string
	Role             string
	Handler          string
	CodeSize         int64
	Description      string
	Timeout          int
	MemorySize       int
	LastModified     string
	CodeSha256       string
	Version          string
	Environment      *environment `json:",omitempty"`
	RevisionID       string       `json:"RevisionId"`
	State            string
	LastUpdateStatus string
	PackageType      string
	Architectures    []string
}

// getFunctionOutput is the GetFunction response shape.
type getFunctionOutput struct {
	Configuration functionConfiguration
	Code          struct{ RepositoryType, Location string }
	Concurrency   *concurrencyBody `json:",omitempty"`
}

// listFunctionsOutput is the ListFunctions response shape.
type listFunctionsOutput struct {
	Functions []functionConfiguration
}

// configuration renders a deployment as a FunctionConfiguration.
func (d *deployment) configuration(defaultTimeout time.Duration) functionConfiguration {
	fc := functionConfiguration{
		FunctionName:     d.name,
		FunctionArn:      d.arn,
		Runtime:          d.cfg.Runtime,
		Role:             d.cfg.Role,
		Handler:          d.cfg.Handler,
		CodeSize:         d.code.size,
		Description:      d.cfg.Description,
		Timeout:          int(d.cfg.timeout(defaultTimeout).Round(time.Second) / time.Second),
		MemorySize:       d.cfg.MemorySize,
		LastModified:     d.lastModified.UTC().Format("2006-01-02T15:04:05.000-0700"),
		CodeSha256:       d.code.sha256,
		Version:          "$LATEST",
		RevisionID:       d.revisionID,
		State:            "Active",
		LastUpdateStatus: "Successful",
		PackageType:      "Zip",
		Architectures:    d.cfg.Architectures,
	}
	if len(d.cfg.Environment) > 0 {
		fc.Environment = &environment{Variables: d.cfg.Environment}
	}
	return fc
}
