import React, {useState} from 'react';

interface Props {
    icon: string;
    label: string;
}

// Icon of a channel-header button: the app's image, or the first letter of
// the label when there is no usable image (or it fails to load).
export default function BindingIcon({icon, label}: Props) {
    const [failed, setFailed] = useState(false);
    if (icon && !failed) {
        return (
            <img
                className='lambda-apps-binding-icon'
                src={icon}
                alt={label}
                width={16}
                height={16}
                style={{width: '16px', height: '16px', objectFit: 'contain'}}
                onError={() => setFailed(true)}
            />
        );
    }
    const initial = Array.from(label.trim())[0]?.toUpperCase() ?? '?';
    return (
        <span
            className='lambda-apps-binding-icon lambda-apps-binding-icon--text'
            role='img'
            aria-label={label}
            style={{display: 'inline-block', minWidth: '16px', fontWeight: 600, lineHeight: '16px', textAlign: 'center'}}
        >
            {initial}
        </span>
    );
}
