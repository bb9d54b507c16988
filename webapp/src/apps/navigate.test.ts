import {afterEach, describe, expect, it, jest} from '@jest/globals';

import {setSiteURL} from '../client';

import {browserEnv, navigate} from './navigate';
import type {NavigateEnv} from './navigate';

function env(history?: NavigateEnv['history']) {
    return {
        href: 'http://localhost/team/channels/x',
        origin: 'http://localhost',
        assign: jest.fn<NavigateEnv['assign']>(),
        open: jest.fn<NavigateEnv['open']>(() => null),
        history,
    };
}

afterEach(() => {
    delete (window as unknown as {WebappUtils?: unknown}).WebappUtils;
    setSiteURL('');
});

describe('navigate', () => {
    it('opens external links in a new window without an opener', () => {
        const e = env();
        expect(navigate('https://example.com/doc', true, e)).toBe('done');
        expect(e.open).toHaveBeenCalledWith('https://example.com/doc', '_blank', 'noopener,noreferrer');
    });

    it('uses the webapp history for links inside the site (under its subpath)', () => {
        const push = jest.fn();
        const e = env({push});
        setSiteURL('http://localhost/chat');
        expect(navigate('/chat/team/channels/town-square?x=1', false, e)).toBe('done');
        expect(push).toHaveBeenCalledWith('/team/channels/town-square?x=1');
        expect(e.assign).not.toHaveBeenCalled();

        expect(navigate('/elsewhere', false, e)).toBe('done');
        expect(e.assign).toHaveBeenCalledWith('http://localhost/elsewhere');
    });

    it('loads other links in the page', () => {
        const e = env({push: jest.fn()});
        expect(navigate('https://example.com/', false, e)).toBe('done');
        expect(e.assign).toHaveBeenCalledWith('https://example.com/');
    });

    it('refuses non-http URLs', () => {
        const e = env();
        expect(navigate('javascript:alert(1)', false, e)).toBe('invalid');
        expect(navigate('javascript:alert(1)', true, e)).toBe('invalid');
        expect(e.assign).not.toHaveBeenCalled();
        expect(e.open).not.toHaveBeenCalled();
    });

    it('says so when the browser refuses the new window', () => {
        const e = env();
        e.open.mockImplementation(() => {
            throw new Error('blocked');
        });
        expect(navigate('https://example.com/', true, e)).toBe('blocked');
    });

    it('finds the host history on window.WebappUtils', () => {
        expect(browserEnv().history).toBeUndefined();
        const push = jest.fn();
        (window as unknown as {WebappUtils: unknown}).WebappUtils = {browserHistory: {push}};
        expect(browserEnv().history?.push).toBe(push);
    });
});
