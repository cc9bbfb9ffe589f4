namespace OnnxVideo.Testing;

/// <summary>Files of this repository, found from the test's output folder (the folder above it holding OnnxVideo.sln).</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    /// <summary>The full path of <paramref name="relative"/> (e.g. "README.md") under the repository root.</summary>
    public static string PathOf(string relative) => System.IO.Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "OnnxVideo.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("no OnnxVideo.sln above the test folder " + AppContext.BaseDirectory);
    }
}
