/** @type {import('jest').Config} */
module.exports = {
    testEnvironment: 'jsdom',
    roots: ['<rootDir>/src'],
    testMatch: ['**/*.test.ts', '**/*.test.tsx'],
    transform: {
        '^.+\\.tsx?$': ['ts-jest', {
            // Jest runs CommonJS; the rest comes from tsconfig.json.
            tsconfig: {
                module: 'CommonJS',
                moduleResolution: 'node10',
            },
        }],
    },
    clearMocks: true,
    restoreMocks: true,
    collectCoverageFrom: ['src/**/*.{ts,tsx}', '!src/**/*.d.ts'],
};
