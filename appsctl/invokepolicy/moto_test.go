package invokepolicy_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/appsctl/invokepolicy"
	"github.com/lambda-apps/lambda-apps/internal/testaws"
)

// TestUpdateAgainstMoto publishes more versions than IAM keeps: each update
// must make room, and the newest document must be the default.
func TestUpdateAgainstMoto(t *testing.T) {
	m := testaws.StartMoto(t)
	ctx := context.Background()
	api := m.Clients().IAM()
	doc, err := invokepolicy.New("aws", "bucket").Marshal()
	require.NoError(t, err)
	created, err := api.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)})
	require.NoError(t, err)
	arn := aws.ToString(created.Policy.Arn)

	var all []string
	for i := range 8 {
		fn := fmt.Sprintf("arn:aws:lambda:us-east-1:%s:function:app_1_f%d", testaws.AccountID, i)
		all = append(all, fn)
		res, err := invokepolicy.Update(ctx, api, arn, func(d *invokepolicy.Document) { d.AddLambdaARNs(fn) })
		require.NoError(t, err, "update %d", i)
		require.True(t, res.Changed)
	}
	versions, err := invokepolicy.ListVersions(ctx, api, arn)
	require.NoError(t, err)
	assert.Len(t, versions, invokepolicy.MaxVersions)

	cur, err := invokepolicy.Load(ctx, api, arn)
	require.NoError(t, err)
	assert.Equal(t, all, cur.Document.LambdaARNs())
	assert.Equal(t, "v9", cur.VersionID)

	res, err := invokepolicy.Update(ctx, api, arn, func(d *invokepolicy.Document) { d.AddLambdaARNs(all[3]) })
	require.NoError(t, err)
	assert.False(t, res.Changed, "adding a present ARN publishes nothing")
}
