// A stand-in for the Mattermost webapp, loaded by the browser test's page
// before the plugin bundle (webapp/dist/main.js). It offers what the plugin
// uses: window.registerPlugin, a registry that records every registration
// and renders it (channel-header buttons, App Bar buttons, post menus, root
// components, the System Console setting), and a minimal Redux-like store.
// Posts show their message attachments with their buttons and selects, which
// post to Mattermost's action route, as the Mattermost webapp does. The test drives
// and inspects it through window.__host.
(function () {
    'use strict';

    const config = window.__HOST_CONFIG__;
    const h = React.createElement;

    // ---- store: the parts of the Mattermost state the plugin reads ----
    let state = {
        entities: {
            general: {config: {SiteURL: config.siteURL}},
            channels: {
                currentChannelId: config.channelId,
                channels: {[config.channelId]: {id: config.channelId, team_id: config.teamId, display_name: 'Test channel'}},
            },
            teams: {currentTeamId: config.teamId},
            posts: {posts: {}},
        },
    };
    const storeListeners = new Set();
    const store = {
        getState: () => state,
        dispatch: (action) => action,
        subscribe(listener) {
            storeListeners.add(listener);
            return () => storeListeners.delete(listener);
        },
    };
    function setState(update) {
        state = update(state);
        storeListeners.forEach((l) => l());
        renderHost();
    }

    // ---- registry ----
    let nextId = 0;
    const reg = {
        plugins: [],
        channelHeader: [],
        appBar: [],
        postMenu: [],
        roots: [],
        adminSettings: {},
        wsHandlers: {},
        unregistered: [],
        log: [],
    };
    function id(kind) {
        nextId += 1;
        return `${kind}_${nextId}`;
    }
    function record(method, detail) {
        reg.log.push({method, ...detail});
    }
    const registry = {
        registerChannelHeaderButtonAction(icon, action, dropdownText, tooltipText) {
            const componentId = id('channel_header');
            reg.channelHeader.push({id: componentId, icon, action, dropdownText, tooltipText});
            record('registerChannelHeaderButtonAction', {id: componentId, dropdownText: String(dropdownText)});
            renderHost();
            return componentId;
        },
        registerAppBarComponent(iconUrl, action, tooltipText) {
            const componentId = id('app_bar');
            reg.appBar.push({id: componentId, iconUrl, action, tooltipText});
            record('registerAppBarComponent', {id: componentId, iconUrl: String(iconUrl), tooltipText: String(tooltipText)});
            renderHost();
            return componentId;
        },
        registerPostDropdownMenuAction(text, action, filter) {
            const componentId = id('post_menu');
            reg.postMenu.push({id: componentId, text, action, filter});
            record('registerPostDropdownMenuAction', {id: componentId, text: String(text)});
            renderHost();
            return componentId;
        },
        registerRootComponent(component) {
            const componentId = id('root');
            reg.roots.push({id: componentId, component});
            record('registerRootComponent', {id: componentId});
            renderHost();
            return componentId;
        },
        registerAdminConsoleCustomSetting(key, component, options) {
            reg.adminSettings[key] = {component, options};
            record('registerAdminConsoleCustomSetting', {key});
        },
        registerWebSocketEventHandler(event, handler) {
            reg.wsHandlers[event] = handler;
            record('registerWebSocketEventHandler', {event});
        },
        unregisterWebSocketEventHandler(event) {
            delete reg.wsHandlers[event];
            record('unregisterWebSocketEventHandler', {event});
        },
        unregisterComponent(componentId) {
            reg.unregistered.push(componentId);
            reg.channelHeader = reg.channelHeader.filter((c) => c.id !== componentId);
            reg.appBar = reg.appBar.filter((c) => c.id !== componentId);
            reg.postMenu = reg.postMenu.filter((c) => c.id !== componentId);
            reg.roots = reg.roots.filter((c) => c.id !== componentId);
            record('unregisterComponent', {id: componentId});
            renderHost();
        },
    };

    window.registerPlugin = function registerPlugin(pluginId, plugin) {
        reg.plugins.push(pluginId);
        record('registerPlugin', {pluginId});
        Promise.resolve(plugin.initialize(registry, store)).catch((err) => {
            window.__host.initError = String(err && err.stack ? err.stack : err);
        });
    };

    // ---- rendering of what was registered ----
    let adminSettingKey = '';

    function HeaderButtons() {
        const channel = state.entities.channels.channels[state.entities.channels.currentChannelId];
        return h('div', {className: 'header-buttons'}, reg.channelHeader.map((b) => h('button', {
            key: b.id,
            type: 'button',
            className: 'header-button',
            'data-component-id': b.id,
            title: String(b.tooltipText),
            onClick: () => b.action(channel, {}),
        }, b.icon, h('span', {className: 'header-button__text'}, b.dropdownText))));
    }

    function AppBar() {
        const channel = state.entities.channels.channels[state.entities.channels.currentChannelId];
        return h('nav', {className: 'app-bar', 'aria-label': 'App Bar'}, reg.appBar.map((b) => h('button', {
            key: b.id,
            type: 'button',
            className: 'app-bar__button',
            'data-component-id': b.id,
            'aria-label': String(b.tooltipText),
            onClick: () => b.action(channel, {}),
        }, h('img', {src: b.iconUrl, alt: String(b.tooltipText), width: 24, height: 24}))));
    }

    // Clicks on attachment actions, as the Mattermost webapp sends them.
    const actionResults = [];
    function doAction(postId, actionId, selectedOption) {
        const body = selectedOption ? {selected_option: selectedOption} : {};
        return fetch(`/api/v4/posts/${postId}/actions/${actionId}`, {
            method: 'POST',
            headers: {'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest'},
            body: JSON.stringify(body),
        }).then((res) => res.text().then((text) => {
            actionResults.push({postId, actionId, selectedOption, status: res.status, body: text});
        }));
    }

    function Attachments({post}) {
        const attachments = (post.props && Array.isArray(post.props.attachments)) ? post.props.attachments : [];
        return attachments.map((a, i) => h('div', {key: i, className: 'attachment', role: 'group', 'aria-label': a.title || a.fallback || 'Attachment'},
            a.author_name ? h('div', {className: 'attachment__author'}, a.author_icon ? h('img', {src: a.author_icon, alt: '', width: 16, height: 16}) : null, a.author_name) : null,
            a.title ? h('strong', {className: 'attachment__title'}, a.title) : null,
            a.text ? h('div', {className: 'attachment__text'}, a.text) : null,
            h('div', {className: 'attachment__actions'}, (a.actions || []).map((act) => (act.type === 'select' ?
                h('select', {
                    key: act.id,
                    'aria-label': act.name,
                    defaultValue: '',
                    onChange: (e) => doAction(post.id, act.id, e.target.value),
                }, h('option', {value: '', disabled: true}, act.name), (act.options || []).map((o) => h('option', {key: o.value, value: o.value}, o.text))) :
                h('button', {key: act.id, type: 'button', className: 'attachment__button', onClick: () => doAction(post.id, act.id)}, act.name))))));
    }

    function Posts() {
        const posts = Object.values(state.entities.posts.posts);
        return h('ul', {className: 'posts', 'aria-label': 'Posts'}, posts.map((post) => h('li', {key: post.id, className: 'post', 'data-post-id': post.id},
            h('div', {className: 'post__message'}, post.message),
            h(Attachments, {post}),
            h('div', {role: 'menu', 'aria-label': `Actions for post ${post.id}`, className: 'post__menu'},
                reg.postMenu.filter((item) => !item.filter || item.filter(post.id)).map((item) => h('button', {
                    key: item.id,
                    type: 'button',
                    role: 'menuitem',
                    'data-component-id': item.id,
                    onClick: () => item.action(post.id),
                }, item.text))))));
    }

    function AdminConsole() {
        const setting = adminSettingKey && reg.adminSettings[adminSettingKey];
        if (!setting) {
            return null;
        }
        return h('section', {className: 'admin-console', 'aria-label': 'System Console'},
            h('h2', null, adminSettingKey), h(setting.component, {id: adminSettingKey, label: adminSettingKey}));
    }

    function Host() {
        return h(ReactIntl.IntlProvider, {locale: 'en', defaultLocale: 'en'},
            h(AppBar),
            h('header', {className: 'channel-header', 'aria-label': 'Channel header'},
                h('strong', null, 'Test channel'), h(HeaderButtons)),
            h('main', {className: 'center'}, h(Posts), h(AdminConsole)),
            reg.roots.map((r) => h(r.component, {key: r.id})));
    }

    const root = ReactDOM.createRoot(document.getElementById('app'));
    function renderHost() {
        root.render(h(Host));
    }
    renderHost();

    // ---- test hooks ----
    window.__host = {
        initError: '',
        summary() {
            return {
                plugins: reg.plugins.slice(),
                channelHeader: reg.channelHeader.map((b) => ({id: b.id, dropdownText: String(b.dropdownText), tooltipText: String(b.tooltipText)})),
                postMenu: reg.postMenu.map((b) => ({id: b.id, text: String(b.text)})),
                appBar: reg.appBar.map((b) => ({id: b.id, iconUrl: String(b.iconUrl), tooltipText: String(b.tooltipText)})),
                actionResults: actionResults.slice(),
                roots: reg.roots.length,
                adminSettings: Object.keys(reg.adminSettings),
                wsEvents: Object.keys(reg.wsHandlers),
                unregistered: reg.unregistered.slice(),
                log: reg.log.slice(),
            };
        },
        invokeChannelHeader(label) {
            const button = reg.channelHeader.find((b) => String(b.dropdownText) === label);
            if (!button) {
                throw new Error(`no channel-header button "${label}"`);
            }
            button.action(state.entities.channels.channels[state.entities.channels.currentChannelId], {});
        },
        addPost(post) {
            setState((s) => ({...s, entities: {...s.entities, posts: {posts: {...s.entities.posts.posts, [post.id]: post}}}}));
        },
        switchChannel(channelId, teamId) {
            setState((s) => ({
                ...s,
                entities: {
                    ...s.entities,
                    channels: {...s.entities.channels, currentChannelId: channelId, channels: {...s.entities.channels.channels, [channelId]: {id: channelId, team_id: teamId}}},
                    teams: {currentTeamId: teamId},
                },
            }));
        },
        emitWebSocket(event, data) {
            const handler = reg.wsHandlers[event];
            if (!handler) {
                throw new Error(`no websocket handler for ${event}`);
            }
            handler({event, data: data || {}, broadcast: {}});
        },
        showAdminSetting(key) {
            adminSettingKey = key;
            renderHost();
        },
    };
}());
