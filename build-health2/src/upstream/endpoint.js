/** Parses `host:port` / `[v6]:port`. Returns null when the text is not a valid address. */
export function parseAddress(address) {
    let host;
    let portText;
    if (address.startsWith('[')) {
        const end = address.indexOf(']');
        if (end < 0 || address[end + 1] !== ':')
            return null;
        host = address.slice(1, end);
        portText = address.slice(end + 2);
    }
    else {
        const colon = address.lastIndexOf(':');
        if (colon <= 0)
            return null;
        host = address.slice(0, colon);
        portText = address.slice(colon + 1);
        if (host.includes(':'))
            return null;
    }
    if (!/^\d{1,5}$/.test(portText))
        return null;
    const port = Number(portText);
    if (port < 1 || port > 65535 || host === '')
        return null;
    return { host, port };
}
//# sourceMappingURL=endpoint.js.map