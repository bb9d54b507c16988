package bundle

import (
	"fmt"

	"github.com/lambda-apps/lambda-apps/aws/awsnames"
)

// ProvisionData says where each part of a bundle goes in AWS. It is the
// output of `appsctl generate-terraform-data` and what cloud deployers read.
type ProvisionData struct {
	// StaticFiles maps each static asset name to its S3 object.
	StaticFiles map[string]ProvisionStaticFile `json:"static_files"`
	// LambdaFunctions maps each manifest function name to its Lambda
	// function.
	LambdaFunctions map[string]ProvisionLambdaFunction `json:"lambda_functions"`
	// ManifestKey is the S3 key of the app's manifest.
	ManifestKey string `json:"manifest_key"`
}

// ProvisionStaticFile is the S3 object of a static asset.
type ProvisionStaticFile struct {
	Key string `json:"key"`
}

// ProvisionLambdaFunction is the Lambda function of a manifest function.
type ProvisionLambdaFunction struct {
	Name    string `json:"name"`
	Handler string `json:"handler"`
	Runtime string `json:"runtime"`
}

// ProvisionData returns the bundle's provisioning data.
func (b *Bundle) ProvisionData() *ProvisionData {
	d := &ProvisionData{
		StaticFiles:     make(map[string]ProvisionStaticFile, len(b.assets)),
		LambdaFunctions: make(map[string]ProvisionLambdaFunction, len(b.functions)),
		ManifestKey:     awsnames.ManifestKey(string(b.manifest.AppID), string(b.manifest.Version)),
	}
	for _, a := range b.assets {
		d.StaticFiles[a.Name] = ProvisionStaticFile{Key: a.Key}
	}
	for _, p := range b.functions {
		d.LambdaFunctions[p.Function.Name] = ProvisionLambdaFunction{
			Name:    p.LambdaName,
			Handler: p.Function.Handler,
			Runtime: p.Function.Runtime,
		}
	}
	return d
}

// ProvisionDataFromFile reads the bundle at path and returns its
// provisioning data.
func ProvisionDataFromFile(path string, opts ...Option) (*ProvisionData, error) {
	b, err := Open(path, opts...)
	if err != nil {
		return nil, fmt.Errorf("provisioning data: %w", err)
	}
	defer func() { _ = b.Close() }()
	return b.ProvisionData(), nil
}
