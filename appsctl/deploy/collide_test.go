package deploy

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/lambda-apps/lambda-apps/aws/awsnames"
)

func TestCollisionErrorMessage(t *testing.T) {
	app := awsnames.AppVersion{AppID: "abc", Version: "1_2", Functions: []string{"fn"}}
	tests := []struct {
		name   string
		others []awsnames.AppVersion
		want   []string
	}{
		{
			name:   "same keys",
			others: []awsnames.AppVersion{{AppID: "abc_1", Version: "2", Functions: []string{"fn"}}},
			want: []string{
				`app "abc" version "1_2" would overwrite another app version in bucket "b"; these names in AWS are already in use:` + "\n",
				`  - manifest key "manifests/abc_1_2.json": app "abc" version "1_2" and app "abc_1" version "2"`,
				`  - static asset prefix "static/abc_1_2_app/": app "abc" version "1_2" and app "abc_1" version "2"`,
				`  - Lambda function name "abc_1_2_fn": function "fn" of app "abc" version "1_2" and function "fn" of app "abc_1" version "2"`,
				"Nothing was changed.",
				"choose another app ID (or version)",
				"If app \"abc_1\" version \"2\" is no longer used, remove it first with `appsctl aws clean --app abc_1 --version 2`.",
			},
		},
		{
			name: "two other apps, each named once in the advice",
			others: []awsnames.AppVersion{
				{AppID: "abc", Version: "1", Functions: []string{"2_fn"}},
				{AppID: "abc_1", Version: "2"},
			},
			want: []string{
				`Lambda function name "abc_1_2_fn": function "fn" of app "abc" version "1_2" and function "2_fn" of app "abc" version "1"`,
				"--app abc --version 1`",
				"--app abc_1 --version 2`",
			},
		},
	}
	t.Run("functions without a manifest: named, no clean advice", func(t *testing.T) {
		c := awsnames.Collision{Kind: awsnames.KindLambdaName, Name: "abc_1_2_fn",
			User:  awsnames.User{AppID: "abc", Version: "1_2", Function: "fn"},
			Other: awsnames.User{AppID: "abc_1", Version: "2", Function: "fn"}}
		msg := functionsCollisionError(app, "eu-west-1", []awsnames.Collision{c}).Error()
		assert.Contains(t, msg, `app "abc" version "1_2" would overwrite another app version among the Lambda functions in eu-west-1`)
		assert.Contains(t, msg, "  - "+c.String())
		assert.Contains(t, msg, "`aws lambda delete-function --function-name abc_1_2_fn`")
		assert.NotContains(t, msg, "appsctl aws clean", "the other app version has no manifest: its functions are named instead")
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := awsnames.FindCollisions(app, tt.others)
			msg := (&CollisionError{App: app, Where: `in bucket "b"`, Collisions: cs}).Error()
			for _, w := range tt.want {
				assert.Contains(t, msg, w)
			}
			for _, o := range tt.others {
				clean := "--app " + o.AppID + " --version " + o.Version + "`"
				assert.Equal(t, 1, strings.Count(msg, clean), "each other app is named once in the advice")
			}
		})
	}
}
