package apps

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// MaxManifestSize is the largest manifest.json accepted, in bytes (1 MiB).
const MaxManifestSize = 1 << 20

// Manifest describes an app: who it is, what it asks for, which calls the
// plugin makes to it, and how it is deployed (manifest.json).
//
// Only the aws_lambda deploy section is served by this product; http,
// open_faas and plugin are kept verbatim so that they survive a round trip.
type Manifest struct {
	AppID       AppID      `json:"app_id,omitempty"`
	Version     AppVersion `json:"version,omitempty"`
	DisplayName string     `json:"display_name,omitempty"`
	Description string     `json:"description,omitempty"`
	HomepageURL string     `json:"homepage_url,omitempty"`
	// Icon is the name of a static asset of the app, e.g. "icon.png".
	Icon string `json:"icon,omitempty"`

	// Bindings is the call that fetches the app's bindings; nil means
	// DefaultBindingsPath.
	Bindings *Call `json:"bindings,omitempty"`

	// Lifecycle calls, invoked only when present.
	OnInstall        *Call `json:"on_install,omitempty"`
	OnVersionChanged *Call `json:"on_version_changed,omitempty"`
	OnUninstall      *Call `json:"on_uninstall,omitempty"`
	OnEnable         *Call `json:"on_enable,omitempty"`
	OnDisable        *Call `json:"on_disable,omitempty"`

	GetOAuth2ConnectURL *Call `json:"get_oauth2_connect_url,omitempty"`
	OnOAuth2Complete    *Call `json:"on_oauth2_complete,omitempty"`
	OnRemoteWebhook     *Call `json:"on_remote_webhook,omitempty"`

	RequestedPermissions  Permissions           `json:"requested_permissions,omitempty"`
	RemoteWebhookAuthType RemoteWebhookAuthType `json:"remote_webhook_auth_type,omitempty"`
	RequestedLocations    Locations             `json:"requested_locations,omitempty"`

	// Deploy sections.
	AWSLambda *AWSLambda      `json:"aws_lambda,omitempty"`
	HTTP      json.RawMessage `json:"http,omitempty"`
	OpenFaaS  json.RawMessage `json:"open_faas,omitempty"`
	Plugin    json.RawMessage `json:"plugin,omitempty"`
}

// Default call paths used when the manifest does not name one.
const (
	DefaultBindingsPath            = "/bindings"
	DefaultGetOAuth2ConnectURLPath = "/oauth2/connect"
	DefaultOnOAuth2CompletePath    = "/oauth2/complete"
	DefaultOnRemoteWebhookPath     = "/webhook"
)

// AWSLambda is the aws_lambda deploy section of a manifest.
type AWSLambda struct {
	Functions []AWSLambdaFunction `json:"functions,omitempty"`
}

// AWSLambdaFunction maps call paths to one Lambda function of the app.
type AWSLambdaFunction struct {
	// Path is the call path prefix the function serves, e.g. "/" or "/js".
	Path string `json:"path,omitempty"`
	// Name identifies the function within the app, and its package in the
	// bundle (Name + ".zip").
	Name    string `json:"name,omitempty"`
	Handler string `json:"handler,omitempty"`
	Runtime string `json:"runtime,omitempty"`
}

// DeployType names a deploy section of a manifest.
type DeployType string

// The deploy types a manifest may declare. Only DeployAWSLambda is served.
const (
	DeployAWSLambda DeployType = "aws_lambda"
	DeployHTTP      DeployType = "http"
	DeployOpenFaaS  DeployType = "open_faas"
	DeployPlugin    DeployType = "plugin"
)

// DeployTypes lists the deploy sections present in m, in the order
// aws_lambda, http, open_faas, plugin.
func (m *Manifest) DeployTypes() []DeployType {
	var types []DeployType
	if m.AWSLambda != nil {
		types = append(types, DeployAWSLambda)
	}
	if rawPresent(m.HTTP) {
		types = append(types, DeployHTTP)
	}
	if rawPresent(m.OpenFaaS) {
		types = append(types, DeployOpenFaaS)
	}
	if rawPresent(m.Plugin) {
		types = append(types, DeployPlugin)
	}
	return types
}

// SupportsAWSLambda reports whether m has an aws_lambda deploy section.
func (m *Manifest) SupportsAWSLambda() bool {
	return m.AWSLambda != nil
}

// BindingsCall returns the call that fetches the app's bindings, with the
// default path filled in.
func (m *Manifest) BindingsCall() Call {
	c := Call{Path: DefaultBindingsPath}
	if m.Bindings != nil {
		c = *m.Bindings
		if c.Path == "" {
			c.Path = DefaultBindingsPath
		}
	}
	return c
}

// rawPresent reports whether a raw JSON section holds something other than
// nothing or null.
func rawPresent(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && !bytes.Equal(t, []byte("null"))
}

// DecodeManifest decodes and validates a manifest.json. Unknown keys (such as
// the legacy app_type and root_url) are ignored. Data over MaxManifestSize is
// rejected.
//
// If the JSON decodes but does not validate, DecodeManifest returns the
// decoded manifest together with a *ValidationError, so that callers can say
// which app was rejected; otherwise the manifest is nil on error.
func DecodeManifest(data []byte) (*Manifest, error) {
	if len(data) > MaxManifestSize {
		return nil, fmt.Errorf("manifest is %d bytes, over the %d byte (1 MiB) limit", len(data), MaxManifestSize)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("manifest is not valid JSON: %w", err)
	}
	m.normalize()
	if err := m.Validate(); err != nil {
		return &m, err
	}
	return &m, nil
}

// ReadManifest reads at most MaxManifestSize bytes from r and decodes them
// with DecodeManifest.
func ReadManifest(r io.Reader) (*Manifest, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxManifestSize+1))
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	return DecodeManifest(data)
}

// normalize drops deploy sections that were given as JSON null.
func (m *Manifest) normalize() {
	for _, raw := range []*json.RawMessage{&m.HTTP, &m.OpenFaaS, &m.Plugin} {
		if !rawPresent(*raw) {
			*raw = nil
		}
	}
}
