namespace OnnxVideo.Ort;

/// <summary>What a session was asked for, what it got, and why the providers tried before it were not used.</summary>
public sealed record ExecutionProviderSelection(
    ExecutionProvider Requested,
    ExecutionProvider Chosen,
    IReadOnlyList<ExecutionProviderRejection> Rejected)
{
    public override string ToString() =>
        Rejected.Count == 0
            ? $"{Chosen} (requested {Requested})"
            : $"{Chosen} (requested {Requested}; " + string.Join("; ", Rejected.Select(r => $"{r.Provider} not used: {r.Reason}")) + ")";
}
