namespace OnnxVideo.Models.Zoo;

/// <summary>An architecture name the zoo does not know; the message lists the known ones.</summary>
internal sealed class UnknownArchitectureException(string name, IEnumerable<string> known)
    : UserInputException(name, $"unknown architecture; known architectures: {string.Join(", ", known)}",
        $"unknown architecture '{name}'; known architectures: {string.Join(", ", known)}", null)
{
    public string Architecture { get; } = name;
}
