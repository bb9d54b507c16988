package awsaccount

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type fakeSTS struct {
	out *sts.GetCallerIdentityOutput
	err error
}

func (f fakeSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return f.out, f.err
}

func TestIdentify(t *testing.T) {
	tests := []struct {
		name    string
		api     fakeSTS
		want    Account
		wantErr string
	}{
		{name: "aws", api: fakeSTS{out: &sts.GetCallerIdentityOutput{Account: aws.String("111122223333"), Arn: aws.String("arn:aws:iam::111122223333:user/deployer")}},
			want: Account{ID: "111122223333", Partition: "aws", CallerARN: "arn:aws:iam::111122223333:user/deployer"}},
		{name: "china", api: fakeSTS{out: &sts.GetCallerIdentityOutput{Account: aws.String("1"), Arn: aws.String("arn:aws-cn:sts::1:assumed-role/x/y")}},
			want: Account{ID: "1", Partition: "aws-cn", CallerARN: "arn:aws-cn:sts::1:assumed-role/x/y"}},
		{name: "no ARN", api: fakeSTS{out: &sts.GetCallerIdentityOutput{Account: aws.String("1")}}, want: Account{ID: "1", Partition: "aws"}},
		{name: "no account", api: fakeSTS{out: &sts.GetCallerIdentityOutput{}}, wantErr: "no account ID"},
		{name: "error", api: fakeSTS{err: errors.New("boom")}, wantErr: "sts:GetCallerIdentity): boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Identify(context.Background(), tt.api)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestARNs(t *testing.T) {
	a := Account{ID: "123", Partition: "aws"}
	assert.Equal(t, "arn:aws:iam::123:policy/p", a.PolicyARN("p"))
	assert.Equal(t, "arn:aws:lambda:eu-west-1:123:function:f", a.FunctionARN("eu-west-1", "f"))
	assert.Equal(t, "arn:aws:s3:::b", a.BucketARN("b"))
	managed := "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
	assert.Equal(t, managed, a.ManagedPolicyARN(managed))
	gov := Account{ID: "123", Partition: "aws-us-gov"}
	assert.Equal(t, "arn:aws-us-gov:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", gov.ManagedPolicyARN(managed))
}
