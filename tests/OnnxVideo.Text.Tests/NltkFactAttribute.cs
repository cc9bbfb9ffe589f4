namespace OnnxVideo.Text.Tests;

/// <summary>A test that compares with NLTK: skipped, visibly, where /usr/bin/python3 cannot import nltk.</summary>
public sealed class NltkFactAttribute : FactAttribute
{
    public NltkFactAttribute()
    {
        if (!PythonReference.NltkIsInstalled())
        {
            Skip = "needs Debian's python3-nltk for /usr/bin/python3 (./build.sh test installs it)";
        }
    }
}
