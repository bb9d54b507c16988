import {describe, expect, it, jest} from '@jest/globals';
import {fireEvent, render, screen} from '@testing-library/react';
import React from 'react';

import {bindingsBody, FakeRegistry} from '../test/helpers';

import {BindingRegistrar} from './binding_registrar';
import type {BindingHandlers} from './binding_registrar';
import {parseBindings} from './parse';

const APP_BAR = {
    location: '/app_bar',
    bindings: [{
        app_id: 'hello-lambda',
        location: 'hello',
        label: 'Hello Lambda',
        icon: 'http://localhost/plugins/lambda-apps/api/v1/apps/hello-lambda/static/icon.png',
        submit: {path: '/greet'},
    }],
};

function setup() {
    const registry = new FakeRegistry();
    const handlers = {
        channelHeader: jest.fn<BindingHandlers['channelHeader']>(),
        postMenu: jest.fn<BindingHandlers['postMenu']>(),
        appBar: jest.fn<BindingHandlers['appBar']>(),
        postFilter: jest.fn<BindingHandlers['postFilter']>(() => true),
    };
    return {registry, handlers, registrar: new BindingRegistrar(registry, handlers)};
}

describe('BindingRegistrar', () => {
    it('registers a channel-header button with the app icon, label and hint', () => {
        const {registry, handlers, registrar} = setup();

        registrar.update(parseBindings(bindingsBody()));

        expect(registry.headerButtons).toHaveLength(1);
        const button = registry.headerButtons[0];
        expect(button.dropdownText).toBe('Say hello');
        expect(button.tooltipText).toBe('Greets you');
        render(<>{button.icon}</>);
        const img = screen.getByRole('img', {name: 'Say hello'});
        expect(img.getAttribute('src')).toBe('http://localhost/plugins/lambda-apps/api/v1/apps/hello-lambda/static/icon.png');

        button.action({id: 'ch9', team_id: 't9'});
        expect(handlers.channelHeader).toHaveBeenCalledWith(expect.objectContaining({label: 'Say hello'}), {id: 'ch9', team_id: 't9'});
    });

    it('falls back to a text icon without an image or when the image fails', () => {
        const {registry, registrar} = setup();
        registrar.update({
            channelHeader: parseBindings({data: [{location: '/channel_header', bindings: [
                {app_id: 'a', label: 'zap it', submit: '/z'},
                {app_id: 'a', label: 'Broken', icon: 'https://x/broken.png', submit: '/b'},
            ]}]}).channelHeader,
            postMenu: [],
            appBar: [],
        });

        render(<>{registry.headerButtons.map((b) => <span key={b.id}>{b.icon}</span>)}</>);
        expect(screen.getByRole('img', {name: 'zap it'}).textContent).toBe('Z');
        fireEvent.error(screen.getByRole('img', {name: 'Broken'}));
        expect(screen.getByRole('img', {name: 'Broken'}).tagName).toBe('SPAN');
    });

    it('registers a post-menu item whose action gets the post id', () => {
        const {registry, handlers, registrar} = setup();

        registrar.update(parseBindings(bindingsBody()));

        expect(registry.postMenuItems).toHaveLength(1);
        const item = registry.postMenuItems[0];
        expect(item.text).toBe('Echo post');
        item.action('post1');
        expect(handlers.postMenu).toHaveBeenCalledWith(expect.objectContaining({location: '/post_menu/echo'}), 'post1');
        expect(item.filter?.('post1')).toBe(true);
        expect(handlers.postFilter).toHaveBeenCalledWith(expect.objectContaining({label: 'Echo post'}), 'post1');
    });

    it('unregisters the old components when the bindings change, and only then', () => {
        const {registry, registrar} = setup();

        registrar.update(parseBindings(bindingsBody('Say hello')));
        const first = registry.headerButtons[0].id;
        const postItem = registry.postMenuItems[0].id;

        registrar.update(parseBindings(bindingsBody('Say hello')));
        expect(registry.unregistered).toEqual([]);

        registrar.update(parseBindings(bindingsBody('Say hi')));
        expect(registry.unregistered).toEqual([first]);
        expect(registry.headerButtons.map((b) => b.dropdownText)).toEqual(['Say hi']);
        expect(registry.postMenuItems.map((b) => b.id)).toEqual([postItem]);

        registrar.clear();
        expect(registry.headerButtons).toEqual([]);
        expect(registry.postMenuItems).toEqual([]);
        expect(registrar.ids('channel_header')).toEqual([]);
    });

    it('registers an App Bar button with the app icon; clicking makes the call', () => {
        const {registry, handlers, registrar} = setup();
        registrar.update(parseBindings(bindingsBody('Say hello', [APP_BAR])));

        expect(registry.appBarButtons).toHaveLength(1);
        const button = registry.appBarButtons[0];
        expect(button.iconUrl).toBe('http://localhost/plugins/lambda-apps/api/v1/apps/hello-lambda/static/icon.png');
        expect(button.tooltipText).toBe('Hello Lambda');
        button.action({id: 'ch9', team_id: 't9'});
        expect(handlers.appBar).toHaveBeenCalledWith(expect.objectContaining({location: '/app_bar/hello', appId: 'hello-lambda'}), {id: 'ch9', team_id: 't9'});
        expect(registry.headerButtons.map((b) => b.dropdownText)).toEqual(['Say hello']); // no channel-header stand-in

        registrar.clear();
        expect(registry.appBarButtons).toEqual([]);
    });

    it('falls back to a channel-header button on web clients without an App Bar', () => {
        const {registry, handlers, registrar} = setup();
        registry.registerAppBarComponent = undefined;
        registrar.update(parseBindings(bindingsBody('Say hello', [APP_BAR])));

        expect(registry.headerButtons.map((b) => b.dropdownText)).toEqual(['Say hello', 'Hello Lambda']);
        registry.headerButtons[1].action({id: 'ch9', team_id: 't9'});
        expect(handlers.appBar).toHaveBeenCalledWith(expect.objectContaining({location: '/app_bar/hello'}), {id: 'ch9', team_id: 't9'});
        expect(handlers.channelHeader).not.toHaveBeenCalled();
    });

    it('keeps going when the webapp refuses to unregister', () => {
        const {registry, registrar} = setup();
        registrar.update(parseBindings(bindingsBody()));
        registry.unregisterComponent = () => {
            throw new Error('gone');
        };
        expect(() => registrar.clear()).not.toThrow();
    });
});
