package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/aws/bundle"
	"github.com/lambda-apps/lambda-apps/aws/deploy"
	"github.com/lambda-apps/lambda-apps/aws/report"
)

func (a *app) validateCommand() *cobra.Command {
	var keepRuntime bool
	cmd := &cobra.Command{
		Use:   "validate <bundle.zip>",
		Short: "Check an app bundle without deploying it",
		Long: "validate reads the whole bundle (manifest, function packages, static assets), reports\n" +
			"every problem at once, and prints where each part would go in AWS. Needs no credentials.\n" +
			"Its warnings say what deploy does with go1.x functions (with --keep-runtime, as deploy\n" +
			"--keep-runtime would).",
		Args: exactArgs("<bundle.zip>"),
		RunE: func(_ *cobra.Command, args []string) error {
			opened, err := deploy.OpenBundle(args[0], keepRuntime)
			if err != nil {
				return err
			}
			defer func() { _ = opened.Close() }()
			for _, w := range opened.Warnings {
				a.p.Warnf("%s", w)
			}
			a.printBundle(opened.Bundle)
			a.p.Infof("Bundle is valid.")
			return nil
		},
	}
	cmd.Flags().BoolVar(&keepRuntime, "keep-runtime", false, "show the warnings of a deploy with --keep-runtime")
	return cmd
}

func (a *app) printBundle(b *bundle.Bundle) {
	p := a.p
	m := b.Manifest()
	p.Infof("App:       %s %s (%s)", m.AppID, m.Version, m.DisplayName)
	p.Infof("Manifest:  %s", awsnames.ManifestKey(string(m.AppID), string(m.Version)))
	p.Infof("Functions: %d", len(b.Functions()))
	for _, fp := range b.Functions() {
		fn := fp.Function
		p.Infof("  %q path %s, %s, handler %s (%s) -> Lambda %s", fn.Name, fn.Path, fn.Runtime, fn.Handler,
			report.FormatBytes(fp.Size), fp.LambdaName)
	}
	p.Infof("Static assets: %d", len(b.StaticAssets()))
	for _, s := range b.StaticAssets() {
		p.Infof("  %s (%s, %s) -> %s", s.Name, report.FormatBytes(s.Size), deploy.ContentType(s.Name), s.Key)
	}
}

func (a *app) generateTerraformDataCommand(use string) *cobra.Command {
	return &cobra.Command{
		Use:   use + " <bundle.zip>",
		Short: "Print the provisioning data of a bundle as JSON (for Terraform and cloud deployers)",
		Long: "Prints, on stdout and nothing else, where each part of the bundle goes in AWS:\n" +
			`{"static_files":{...},"lambda_functions":{...},"manifest_key":"manifests/..."}`,
		Args: exactArgs("<bundle.zip>"),
		RunE: func(_ *cobra.Command, args []string) error {
			data, err := bundle.ProvisionDataFromFile(args[0], bundle.AllowS3Upload())
			if err != nil {
				return err
			}
			out, err := json.MarshalIndent(data, "", "  ")
			if err != nil {
				return fmt.Errorf("encode provisioning data: %w", err)
			}
			_, err = fmt.Fprintf(a.out, "%s\n", out)
			return err
		},
	}
}

func (a *app) terraformCommand() *cobra.Command {
	return group("terraform", "Data for deploying with Terraform",
		a.generateTerraformDataCommand("generate-data"))
}
