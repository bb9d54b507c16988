package bundle

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
)

func TestOpenLegacyFixture(t *testing.T) {
	b, err := Open(fixturePath)
	require.NoError(t, err)
	defer func() { assert.NoError(t, b.Close()) }()

	m := b.Manifest()
	assert.Equal(t, apps.AppID("com.mattermost.servicenow"), m.AppID)
	// The raw manifest is kept byte for byte (legacy keys and formatting included).
	assert.Contains(t, string(b.ManifestJSON()), `"app_type": "aws_lambda"`)
	assert.True(t, bytes.HasPrefix(b.ManifestJSON(), []byte("{\n    \"app_id\"")))
	assert.Equal(t, apps.AppVersion("0.1.0"), m.Version)
	assert.Empty(t, b.Warnings())

	type fn struct{ entry, name, lambda, handler, runtime, path string }
	var got []fn
	for _, p := range b.Functions() {
		got = append(got, fn{p.Entry, p.Function.Name, p.LambdaName, p.Function.Handler, p.Function.Runtime, p.Function.Path})
		assert.EqualValues(t, 487, p.Size)
		data, err := p.ReadAll()
		require.NoError(t, err)
		assert.Len(t, data, 487)
		assert.True(t, bytes.HasPrefix(data, []byte("PK")), "%s is a zip", p.Entry)
	}
	long := "function-with-very-very-very-very-very-very-very-long-name"
	assert.Equal(t, []fn{
		{"function1.zip", "function1", "com-mattermost-servicenow_0-1-0_function1", "mattermost-app-servicenow", "go1.x", "/"},
		{"function2.zip", "function2", "com-mattermost-servicenow_0-1-0_function2", "index.handler", "nodejs14.x", "/js"},
		{"function with spaces.zip", "function with spaces", "com-mattermost-servicenow_0-1-0_function-with-spaces", "mattermost-app-servicenow", "go1.x", "/go"},
		{long + ".zip", long, "com-mattermost-servicenow_0-1-0_95f51579baba92ea2a0a3ad98c24fcbc", "mattermost-app-servicenow", "go1.x", "/go"},
	}, got)

	var assets []string
	for _, a := range b.StaticAssets() {
		assets = append(assets, a.Name+" -> "+a.Key)
	}
	assert.Equal(t, []string{
		"photo.png -> static/com.mattermost.servicenow_0.1.0_app/photo.png",
		"some.json -> static/com.mattermost.servicenow_0.1.0_app/some.json",
		"static file with spaces.txt -> static/com.mattermost.servicenow_0.1.0_app/static-file-with-spaces.txt",
		"static-file-with-very-very-very-very-very-very-very-very-long-name.txt -> static/com.mattermost.servicenow_0.1.0_app/static-file-with-very-very-very-very-very-very-very-very-long-name.txt",
		"text.txt -> static/com.mattermost.servicenow_0.1.0_app/text.txt",
	}, assets)

	some := b.StaticAssets()[1]
	rc, err := some.Open()
	require.NoError(t, err)
	data, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	assert.Len(t, data, 931)
	assert.True(t, json.Valid(data), "static/some.json is JSON")

	assert.NoError(t, b.Verify())
}

func TestProvisionDataFromFileLegacyFixture(t *testing.T) {
	d, err := ProvisionDataFromFile(fixturePath)
	require.NoError(t, err)
	out, err := json.Marshal(d)
	require.NoError(t, err)

	const prefix = "static/com.mattermost.servicenow_0.1.0_app/"
	assert.JSONEq(t, `{
		"static_files": {
			"photo.png": {"key": "`+prefix+`photo.png"},
			"some.json": {"key": "`+prefix+`some.json"},
			"static file with spaces.txt": {"key": "`+prefix+`static-file-with-spaces.txt"},
			"static-file-with-very-very-very-very-very-very-very-very-long-name.txt": {"key": "`+prefix+`static-file-with-very-very-very-very-very-very-very-very-long-name.txt"},
			"text.txt": {"key": "`+prefix+`text.txt"}
		},
		"lambda_functions": {
			"function1": {"name": "com-mattermost-servicenow_0-1-0_function1", "handler": "mattermost-app-servicenow", "runtime": "go1.x"},
			"function2": {"name": "com-mattermost-servicenow_0-1-0_function2", "handler": "index.handler", "runtime": "nodejs14.x"},
			"function with spaces": {"name": "com-mattermost-servicenow_0-1-0_function-with-spaces", "handler": "mattermost-app-servicenow", "runtime": "go1.x"},
			"function-with-very-very-very-very-very-very-very-long-name": {"name": "com-mattermost-servicenow_0-1-0_95f51579baba92ea2a0a3ad98c24fcbc", "handler": "mattermost-app-servicenow", "runtime": "go1.x"}
		},
		"manifest_key": "manifests/com.mattermost.servicenow_0.1.0.json"
	}`, string(out))
	for name, fn := range d.LambdaFunctions {
		assert.LessOrEqual(t, len(fn.Name), 64, name)
		assert.NotContains(t, fn.Name, ".", name)
	}
}

func TestProvisionDataEmptyMapsAreObjects(t *testing.T) {
	data := buildZip(t, zfile{name: "manifest.json", data: testManifest(t, "main")}, pkg("main.zip"))
	b, err := Read(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	out, err := json.Marshal(b.ProvisionData())
	require.NoError(t, err)
	assert.JSONEq(t, `{"static_files":{},"lambda_functions":{"main":{"name":"com-example-test_1-0-0_main","handler":"handler-main","runtime":"nodejs20.x"}},
		"manifest_key":"manifests/com.example.test_1.0.0.json"}`, string(out))
}

func TestProvisionDataFromFileErrors(t *testing.T) {
	_, err := ProvisionDataFromFile("testdata/does-not-exist.zip")
	assert.ErrorContains(t, err, "does-not-exist.zip")

	_, err = ProvisionDataFromFile("helpers_test.go")
	assert.ErrorContains(t, err, "not a valid zip archive")
}

func TestReadAcceptsLegacyAndNestedLayouts(t *testing.T) {
	tests := []struct {
		name         string
		files        []zfile
		wantEntries  map[string]string // function name -> package entry
		wantAssets   []string
		wantWarnings int
	}{
		{
			name: "legacy ends-with match",
			files: []zfile{
				{name: "manifest.json", data: testManifest(t, "function1", "function2")},
				pkg("build/app-function1.zip"),
				pkg("function2.jar"),
			},
			wantEntries: map[string]string{"function1": "build/app-function1.zip", "function2": "function2.jar"},
		},
		{
			name: "exact match wins over ends-with",
			files: []zfile{
				{name: "manifest.json", data: testManifest(t, "function1")},
				pkg("otherfunction1.zip"),
				pkg("function1.zip"),
			},
			wantEntries:  map[string]string{"function1": "function1.zip"},
			wantWarnings: 1,
		},
		{
			name: "nested packages, assets, junk and other files",
			files: []zfile{
				{name: "manifest.json", data: testManifest(t, "main")},
				{name: "dist/", data: nil},
				pkg("dist/main.ZIP"),
				{name: "static/", data: nil},
				{name: "static/img/logo.png", data: []byte("png")},
				{name: "static/archive.zip", data: []byte("an asset, not a package")},
				{name: "__MACOSX/._main.zip", data: []byte("x")},
				{name: "static/.DS_Store", data: []byte("x")},
				{name: "README.md", data: []byte("hi")},
				{name: "./static/./dot.txt", data: []byte("dot")},
			},
			wantEntries:  map[string]string{"main": "dist/main.ZIP"},
			wantAssets:   []string{"archive.zip", "dot.txt", "img/logo.png"},
			wantWarnings: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := buildZip(t, tt.files...)
			b, err := Read(bytes.NewReader(data), int64(len(data)))
			require.NoError(t, err)
			got := map[string]string{}
			for _, p := range b.Functions() {
				got[p.Function.Name] = p.Entry
			}
			assert.Equal(t, tt.wantEntries, got)
			var assets []string
			for _, a := range b.StaticAssets() {
				assets = append(assets, a.Name)
			}
			assert.Equal(t, tt.wantAssets, assets)
			assert.Len(t, b.Warnings(), tt.wantWarnings, "%q", b.Warnings())
			assert.NoError(t, b.Verify())
		})
	}
}

func TestReadLargePackageNeedsS3Upload(t *testing.T) {
	// Function packages are zips already, so bundles usually store them.
	big := compressible(MaxDirectUploadSize + 1<<20)
	data := buildZip(t, zfile{name: "manifest.json", data: testManifest(t, "main")}, zfile{name: "main.zip", data: big, store: true})

	_, err := Read(bytes.NewReader(data), int64(len(data)))
	assert.ErrorContains(t, err, `entry "main.zip": is 51 MiB, more than the 50 MiB that can be uploaded to Lambda directly`)

	b, err := Read(bytes.NewReader(data), int64(len(data)), AllowS3Upload())
	require.NoError(t, err)
	require.Len(t, b.Functions(), 1)
	got, err := b.Functions()[0].ReadAll()
	require.NoError(t, err)
	assert.True(t, bytes.Equal(big, got))
}
