using OnnxVideo.Ort;
using OnnxVideo.Training.Packages;

namespace OnnxVideo.Training.Sessions;

/// <summary>Checks a package graph's session against the names its manifest gives, before anything binds them.</summary>
internal static class SessionGraphChecks
{
    /// <summary>The session, when the graph has the loss and logits outputs the manifest names; else disposed and refused.</summary>
    /// <param name="logitsOptional">Caption training graphs need not output their [N, L, V] logits (only the eval graph must).</param>
    public static OrtSession WithLossAndLogits(OrtSession session, string path, TrainingGraphNames names, bool logitsOptional = false)
    {
        string[] required = logitsOptional ? [names.Loss] : [names.Loss, names.Logits];
        var missing = required.FirstOrDefault(name => !session.OutputNames.Contains(name));
        if (missing is null)
        {
            return session;
        }
        session.Dispose();
        throw new TrainingSessionException(path, $"the graph has no output '{missing}' (named in the package manifest)");
    }
}
