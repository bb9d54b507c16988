// Builds the plugin's webapp bundle (dist/main.js) that the Mattermost
// webapp loads. React and friends are provided by the host page as globals,
// so they are declared as externals and never bundled.
const path = require('path');

const PLUGIN_ID = 'lambda-apps';

module.exports = (_env, argv) => {
    const production = argv.mode !== 'development';

    return {
        mode: production ? 'production' : 'development',
        entry: './src/index.tsx',
        devtool: production ? false : 'inline-source-map',
        resolve: {
            extensions: ['.tsx', '.ts', '.js'],
        },
        module: {
            rules: [
                {
                    test: /\.tsx?$/,
                    exclude: /node_modules/,
                    use: {
                        loader: 'ts-loader',
                        options: {
                            // Type checking is done by `npm run check-types`.
                            transpileOnly: true,
                        },
                    },
                },
            ],
        },
        externals: {
            react: 'React',
            'react-dom': 'ReactDOM',
            'react-intl': 'ReactIntl',
            redux: 'Redux',
            'react-redux': 'ReactRedux',
            'prop-types': 'PropTypes',
        },
        output: {
            path: path.resolve(__dirname, 'dist'),
            filename: 'main.js',
            clean: true,
            devtoolNamespace: PLUGIN_ID,
        },
        performance: {
            hints: false,
        },
    };
};
