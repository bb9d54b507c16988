package invokepolicy

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeIAM stores the versions of one policy and records the write calls.
type fakeIAM struct {
	versions []types.PolicyVersion
	calls    []string
	next     int
}

func newFakeIAM(t *testing.T, n int, doc *Document) *fakeIAM {
	t.Helper()
	text, err := doc.Marshal()
	require.NoError(t, err)
	f := &fakeIAM{}
	for i := 1; i <= n; i++ {
		f.versions = append(f.versions, types.PolicyVersion{
			VersionId:        aws.String(fmt.Sprintf("v%d", i)),
			IsDefaultVersion: i == n,
			CreateDate:       aws.Time(time.Unix(int64(i), 0)),
			Document:         aws.String(url.PathEscape(text)),
		})
	}
	f.next = n + 1
	return f
}

func (f *fakeIAM) defaultVersion() *types.PolicyVersion {
	for i := range f.versions {
		if f.versions[i].IsDefaultVersion {
			return &f.versions[i]
		}
	}
	return nil
}

func (f *fakeIAM) GetPolicy(_ context.Context, in *iam.GetPolicyInput, _ ...func(*iam.Options)) (*iam.GetPolicyOutput, error) {
	return &iam.GetPolicyOutput{Policy: &types.Policy{Arn: in.PolicyArn, DefaultVersionId: f.defaultVersion().VersionId}}, nil
}

func (f *fakeIAM) GetPolicyVersion(_ context.Context, in *iam.GetPolicyVersionInput, _ ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error) {
	for _, v := range f.versions {
		if *v.VersionId == *in.VersionId {
			return &iam.GetPolicyVersionOutput{PolicyVersion: &v}, nil
		}
	}
	return nil, fmt.Errorf("no version %s", *in.VersionId)
}

func (f *fakeIAM) ListPolicyVersions(context.Context, *iam.ListPolicyVersionsInput, ...func(*iam.Options)) (*iam.ListPolicyVersionsOutput, error) {
	return &iam.ListPolicyVersionsOutput{Versions: f.versions}, nil
}

func (f *fakeIAM) CreatePolicyVersion(_ context.Context, in *iam.CreatePolicyVersionInput, _ ...func(*iam.Options)) (*iam.CreatePolicyVersionOutput, error) {
	if len(f.versions) >= MaxVersions {
		return nil, fmt.Errorf("LimitExceeded")
	}
	f.calls = append(f.calls, "create")
	for i := range f.versions {
		f.versions[i].IsDefaultVersion = false
	}
	v := types.PolicyVersion{
		VersionId: aws.String(fmt.Sprintf("v%d", f.next)), IsDefaultVersion: in.SetAsDefault,
		CreateDate: aws.Time(time.Unix(int64(f.next), 0)), Document: aws.String(url.PathEscape(*in.PolicyDocument)),
	}
	f.next++
	f.versions = append(f.versions, v)
	return &iam.CreatePolicyVersionOutput{PolicyVersion: &v}, nil
}

func (f *fakeIAM) DeletePolicyVersion(_ context.Context, in *iam.DeletePolicyVersionInput, _ ...func(*iam.Options)) (*iam.DeletePolicyVersionOutput, error) {
	f.calls = append(f.calls, "delete "+*in.VersionId)
	for i, v := range f.versions {
		if *v.VersionId == *in.VersionId {
			f.versions = append(f.versions[:i], f.versions[i+1:]...)
			return &iam.DeletePolicyVersionOutput{}, nil
		}
	}
	return nil, fmt.Errorf("no version %s", *in.VersionId)
}

const testARN = "arn:aws:iam::123456789012:policy/mattermost-apps-invoke-policy"

func TestUpdate(t *testing.T) {
	tests := []struct {
		name        string
		versions    int
		edit        func(*Document)
		wantCalls   []string
		wantVersion string
		wantErr     string
	}{
		{name: "no change publishes nothing", versions: 2, edit: func(d *Document) { d.AddLambdaARNs() }, wantVersion: "v2"},
		{name: "room for a new version", versions: 3, edit: func(d *Document) { d.AddLambdaARNs(arnA) },
			wantCalls: []string{"create"}, wantVersion: "v4"},
		{name: "five versions: oldest deleted first", versions: 5, edit: func(d *Document) { d.AddLambdaARNs(arnA) },
			wantCalls: []string{"delete v1", "create"}, wantVersion: "v6"},
		{name: "too large: fails before IAM", versions: 5, edit: func(d *Document) { d.AddLambdaARNs(arns(300)...) },
			wantErr: "more than the 6144 IAM allows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeIAM(t, tt.versions, New("aws", "bucket"))
			res, err := Update(context.Background(), api, testARN, tt.edit)
			assert.Equal(t, tt.wantCalls, api.calls)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantVersion, res.VersionID)
			assert.Equal(t, len(tt.wantCalls) > 0, res.Changed)
			cur, err := Load(context.Background(), api, testARN)
			require.NoError(t, err)
			assert.True(t, Equal(cur.Document, res.Document), "the published document is the default")
			assert.LessOrEqual(t, len(api.versions), MaxVersions)
		})
	}
}
