using System.Net;
using FlagDashboard.Core.Webhooks;

namespace FlagDashboard.Tests.Webhooks;

public sealed class WebhookAddressesTests
{
    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("127.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("169.254.169.254")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("198.18.0.1")]
    [InlineData("192.0.2.10")]
    [InlineData("224.0.0.1")]
    [InlineData("240.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::10.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("64:ff9b:1::8.8.8.8")]
    [InlineData("2002:0a00:0001::1")]
    [InlineData("2001:0:4136:e378::1")]
    [InlineData("2001:db8::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("fe80::1")]
    [InlineData("ff02::1")]
    public void AddressesThatAreNotPublicUnicastArePrivate(string address) =>
        Assert.True(WebhookAddresses.IsPrivate(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:0808:0808::1")]
    [InlineData("2606:4700:4700::1111")]
    public void PublicUnicastAddressesAreNot(string address) =>
        Assert.False(WebhookAddresses.IsPrivate(IPAddress.Parse(address)), address);
}
