/** Join tokens: minting and verifying the HS256 JWTs that admit a client to one room (java-jwt lives only here). */
package dev.livepad.auth;
