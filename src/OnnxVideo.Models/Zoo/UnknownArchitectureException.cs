namespace OnnxVideo.Export.Zoo;

/// <summary>An architecture name the zoo does not know; the message lists the known ones.</summary>
public sealed class UnknownArchitectureException(string name, IEnumerable<string> known)
    : Exception($"unknown architecture '{name}'; known architectures: {string.Join(", ", known)}")
{
    public string Architecture { get; } = name;
}
