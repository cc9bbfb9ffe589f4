namespace OnnxVideo.Training.Data;

/// <summary>How <see cref="DatasetReader"/> reads a folder or list file.</summary>
public sealed record DatasetOptions
{
    /// <summary>
    /// The class names in model order (e.g. the contract's labels). When set, every label must be one of them; when
    /// null, classes come from <see cref="ClassMapPath"/>, a <c>classes.txt</c>/<c>classInd.txt</c> beside the data,
    /// or the sorted folder / label names.
    /// </summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>A class-map file; see <see cref="ClassMap"/>.</summary>
    public string? ClassMapPath { get; init; }

    /// <summary>Folder that relative paths in a list file start from; default the list file's folder.</summary>
    public string? Root { get; init; }

    /// <summary>Fail when a class has no clips (wanted for training sets).</summary>
    public bool RequireEveryClass { get; init; }

    public static readonly IReadOnlySet<string> DefaultVideoExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".avi", ".mkv", ".webm", ".mov", ".m4v", ".mpg", ".mpeg", ".ogv", ".wmv", ".flv", ".3gp", ".ts",
    };

    public static readonly IReadOnlySet<string> FrameExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".bmp", ".webp",
    };

    public IReadOnlySet<string> VideoExtensions { get; init; } = DefaultVideoExtensions;
}
